"""Annual standards entered by an administrator: a pack as entered in one database.

policy-packs.md: "an administrator can add the next year's contribution standard and subsidy
amounts with the document number that set them, without a new release". An entry names a pack
and a benefit year, the individual contribution and, optionally, the amount of any subsidy group
for that year, with the document that set them. Entries are versions: never overwritten; for a
pack and year the latest entry is in force.

`apply_standards` gives the pack with the entries in force laid over it:
- the year's individual contribution (`contribution.individual[YEAR]`) is the entry's, with the
  entry's provenance (source: the document; confirmed when a document is given, else provisional),
  kept per year as `individual.YEAR`;
- a subsidy group with an entered amount for the year uses it, with the entry's provenance, kept
  as `amount.CODE.YEAR`; a group without one keeps the pack's table amount and its provenance.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal

from desk.core.packs import Pack, Provenance

FULL = "full"  # a subsidy of the whole individual contribution of the year


@dataclass(frozen=True)
class AnnualStandard:
    """One entry (one version) of a pack's standard for one benefit year."""

    id: int
    pack_id: str
    year: int
    individual: Decimal
    subsidies: tuple[tuple[str, Decimal | str], ...]  # (group code, amount or FULL), in the order entered
    document: str  # "" when no document was given (then provisional)
    entered_by: str
    entered_at: datetime

    @property
    def status(self) -> str:
        return "confirmed" if self.document else "provisional"

    @property
    def provenance(self) -> Provenance:
        """Source: the document itself (who entered it and when are in the entry)."""
        return Provenance(self.document or f"{self.entered_by}录入，未注明文件", self.status)


def in_force(entries: Iterable[AnnualStandard]) -> dict[int, AnnualStandard]:
    """The entry in force for each year: the latest (highest id) one."""
    latest: dict[int, AnnualStandard] = {}
    for entry in entries:
        if entry.year not in latest or entry.id > latest[entry.year].id:
            latest[entry.year] = entry
    return latest


def apply_standards(pack: Pack, entries: Iterable[AnnualStandard]) -> Pack:
    """The pack with the entries in force for it laid over its tables (see the module text)."""
    current = in_force(e for e in entries if e.pack_id == pack.id)
    if not current:
        return pack
    sections = dict(pack.sections)
    contribution = sections.get("contribution")
    if contribution is not None:
        table = dict(contribution.values.get("individual", {}))
        provenance = dict(contribution.value_provenance)
        for year, entry in current.items():
            table[str(year)] = entry.individual
            provenance[f"individual.{year}"] = entry.provenance
        sections["contribution"] = replace(contribution, values={**contribution.values, "individual": table},
                                           value_provenance=provenance)
    subsidies = sections.get("subsidies")
    if subsidies is not None:
        entered = dict(subsidies.values.get("entered_amounts", {}))
        provenance = dict(subsidies.value_provenance)
        for year, entry in current.items():
            entered[year] = dict(entry.subsidies)
            for code, _amount in entry.subsidies:
                provenance[f"amount.{code}.{year}"] = entry.provenance
        sections["subsidies"] = replace(subsidies, values={**subsidies.values, "entered_amounts": entered},
                                        value_provenance=provenance)
    return replace(pack, sections=sections)


def contribution_provenance(pack: Pack, year: int) -> Provenance:
    """Where the year's individual contribution comes from (entered document or the pack's table)."""
    section = pack.section("contribution")
    return section.value_provenance.get(f"individual.{year}", section.provenance_of("individual"))


def group_amount(pack: Pack, group: dict, year: int) -> Decimal | str:
    """A subsidy group's amount for the year: the entered one, else the pack's table amount."""
    entered = pack.section("subsidies").values.get("entered_amounts", {}).get(year, {})
    return entered.get(group["code"], group["amount"])


def group_provenance(pack: Pack, code: str, year: int) -> Provenance:
    section = pack.section("subsidies")
    return section.value_provenance.get(f"amount.{code}.{year}", section.provenance_of("groups"))
