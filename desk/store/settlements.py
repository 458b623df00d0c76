"""The settlement ledger (append-only)."""

from __future__ import annotations

import sqlite_utils

from desk.store.ids import new_id

# The ledger's amount columns, each stored as `<name>_fen` (integer fen), in the order of the national
# setlinfo fields. The live list: migration m003 wrote the columns it created out literally.
AMOUNT_COLUMNS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "hifmi_pay",
    "maf_pay", "fund_pay_sumamt", "psn_part_amt",
)
COLUMNS = (
    "entry", "reverses_id", "person_id", "enrolment_id", "filing_id", "year", "service_date", "benefit", "level",
    "disease_code", "status", "pack_id", "pack_version", *(f"{name}_fen" for name in AMOUNT_COLUMNS),
    "inputs_json", "steps_json", "delta_json", "provisional_json", "reason", "operator_id", "window", "created_at",
    "institution_name", "invoice_number", "admission_date",
)
_SELECT = (
    "SELECT s.*, o.display_name AS operator_name, r.id AS reversed_by_id FROM settlements s"
    " JOIN operators o ON o.id = s.operator_id LEFT JOIN settlements r ON r.reverses_id = s.id"
)


def insert_settlement(db: sqlite_utils.Database, row: dict) -> int:
    cursor = db.execute(
        f"INSERT INTO settlements (id, {', '.join(COLUMNS)}) VALUES (:id, {', '.join(':' + c for c in COLUMNS)})",
        {**{c: row.get(c) for c in COLUMNS}, "id": new_id(db, "settlements")},
    )
    return cursor.lastrowid


def get_settlement(db: sqlite_utils.Database, settlement_id: int) -> dict | None:
    rows = list(db.query(f"{_SELECT} WHERE s.id = ?", [settlement_id]))  # read whole: no statement left open
    return rows[0] if rows else None


def deltas_of_year(db: sqlite_utils.Database, person_id: int, year: int) -> list[str]:
    """Every accumulator change of the person's year, settlements and reversals alike, in order."""
    return [row["delta_json"] for row in db.query(
        "SELECT delta_json FROM settlements WHERE person_id = ? AND year = ? ORDER BY id", [person_id, year])]


def settlements_of_year(db: sqlite_utils.Database, person_id: int, year: int) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE s.person_id = ? AND s.year = ? ORDER BY s.id", [person_id, year]))


def settled_invoice(db: sqlite_utils.Database, person_id: int, invoice_number: str) -> dict | None:
    """The person's settlement, not reversed, that paid this invoice (the earliest), or None."""
    rows = list(db.query(
        f"{_SELECT} WHERE s.person_id = ? AND s.invoice_number = ? AND s.entry = 'settlement' AND r.id IS NULL"
        " ORDER BY s.id LIMIT 1", [person_id, invoice_number]))
    return rows[0] if rows else None


def settled_bills_on(db: sqlite_utils.Database, person_id: int, service_date: str, total_fen: int) -> list[dict]:
    """The person's settlements, not reversed, of bills of this (discharge) date and total, oldest first:
    the candidates for the same bill recorded twice (the caller compares institution and admission)."""
    return list(db.query(
        f"{_SELECT} WHERE s.person_id = ? AND s.service_date = ? AND s.medfee_sumamt_fen = ? AND s.entry = 'settlement'"
        " AND r.id IS NULL ORDER BY s.id", [person_id, service_date, total_fen]))
