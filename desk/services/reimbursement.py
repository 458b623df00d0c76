"""报销计算 services: the headless calculation (`desk calc`) and, with the ledger, the tab's."""

from __future__ import annotations

from desk.core.claims import parse_calc_input
from desk.core.diseases import Catalogue
from desk.core.packs import Pack, PackRegistry
from desk.core.reimbursement import calculate_sequence

_CATALOGUES: dict[tuple[str, str], Catalogue] = {}


def catalogue_of(pack: Pack) -> Catalogue:
    key = (pack.id, pack.version)
    if key not in _CATALOGUES:
        _CATALOGUES[key] = Catalogue.from_pack(pack)
    return _CATALOGUES[key]


def calculate_json(packs: PackRegistry, data) -> list[dict]:
    """One JSON object in, one result per claim out, claims applied in order (reimbursement.md)."""
    pack, person, claims = parse_calc_input(data, packs)
    results, _ = calculate_sequence(pack, catalogue_of(pack), person, claims)
    return [result.as_json() for result in results]
