"""The policy packs as entered in one database: the bundled packs with the annual standards an
administrator entered laid over them (desk/core/standards.py). Every reader of packs (quote,
enrolment, receipts, the 政策包 page, `desk quote --db`) goes through this, so what is in force
is the same everywhere; another process's entry is seen at the next read."""

from __future__ import annotations

from datetime import date, datetime

import sqlite_utils

from desk.core.money import from_fen
from desk.core.packs import Pack, PackRegistry
from desk.core.standards import FULL, AnnualStandard, apply_standards
from desk.store import standards as standards_store


def standard_from_row(row: dict) -> AnnualStandard:
    subsidies = tuple((code, FULL if fen == FULL else from_fen(fen)) for code, fen in row["subsidies"].items())
    return AnnualStandard(
        id=row["id"], pack_id=row["pack_id"], year=row["year"], individual=from_fen(row["individual_fen"]),
        subsidies=subsidies, document=row["document"], entered_by=row["entered_by_name"],
        entered_at=datetime.fromisoformat(row["entered_at"]))


class EnteredPacks:
    """Reads like a PackRegistry (`get`, `for_region`, `packs`, `errors`); `bundled` is the files alone."""

    def __init__(self, bundled: PackRegistry, db: sqlite_utils.Database):
        self.bundled = bundled
        self.db = db
        self._seen = -1
        self._packs: dict[str, Pack] = bundled.packs
        self._entries: list[AnnualStandard] = []

    def bound_to(self, db: sqlite_utils.Database) -> EnteredPacks:
        return self if db is self.db else EnteredPacks(self.bundled, db)

    def _refresh(self) -> None:
        latest = standards_store.latest_standard_id(self.db)
        if latest == self._seen:
            return
        self._entries = [standard_from_row(row) for row in standards_store.standards_of(self.db)]
        self._packs = {pack_id: apply_standards(pack, self._entries) for pack_id, pack in self.bundled.packs.items()}
        self._seen = latest

    @property
    def packs(self) -> dict[str, Pack]:
        self._refresh()
        return self._packs

    @property
    def errors(self):
        return self.bundled.errors

    def entries(self, pack_id: str | None = None) -> list[AnnualStandard]:
        """Every entry, oldest first (of one pack, or of all)."""
        self._refresh()
        return [entry for entry in self._entries if pack_id is None or entry.pack_id == pack_id]

    def get(self, pack_id: str) -> Pack:
        self.bundled.get(pack_id)  # the bundled registry's refusal for an unknown or failed pack
        return self.packs[pack_id]

    def for_region(self, region_code: str, scheme: str, on: date) -> Pack | None:
        found = self.bundled.for_region(region_code, scheme, on)
        return self.packs[found.id] if found else None



