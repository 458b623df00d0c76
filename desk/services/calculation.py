"""The reimbursement calculation as a headless contract (`desk calc`): one JSON object in, one result
per claim out, claims applied in order (reimbursement.md). The same core calculation and disease
catalogue the 报销计算 tab uses; light on purpose (core only: no database, no Qt, no PDF), so that
`desk calc` starts in a fraction of a second (bench/bench_cli.py)."""

from __future__ import annotations

from desk.core.claims import parse_calc_input
from desk.core.packs import PackRegistry
from desk.core.reimbursement import calculate_sequence
from desk.services.catalogues import catalogue_of


def calculate_json(packs: PackRegistry, data) -> list[dict]:
    """One JSON object in, one result per claim out, claims applied in order (reimbursement.md)."""
    pack, person, claims = parse_calc_input(data, packs)
    results, _ = calculate_sequence(pack, catalogue_of(pack), person, claims)
    return [result.as_json() for result in results]
