"""门诊慢特病 filings and their events."""

from __future__ import annotations

import json

import sqlite_utils

from desk.store.ids import new_id

FILING_COLUMNS = (
    "person_id", "disease_code", "disease_name", "kind", "pack_id", "pack_version", "state", "application_date",
    "materials_json", "agent_json", "accepted_by", "accepted_at", "window", "updated_at",
)
_SELECT = (
    "SELECT f.*, p.name AS person_name, p.id_number AS person_id_number, p.phone AS person_phone,"
    " a.display_name AS accepted_by_name, d.display_name AS decided_by_name"
    " FROM filings f JOIN persons p ON p.id = f.person_id"
    " JOIN operators a ON a.id = f.accepted_by LEFT JOIN operators d ON d.id = f.decided_by"
)


def insert_filing(db: sqlite_utils.Database, row: dict) -> int:
    cursor = db.execute(
        f"INSERT INTO filings (id, {', '.join(FILING_COLUMNS)}) VALUES (:id, {', '.join(':' + c for c in FILING_COLUMNS)})",
        {**{c: row.get(c) for c in FILING_COLUMNS}, "id": new_id(db, "filings")},
    )
    return cursor.lastrowid


def update_filing(db: sqlite_utils.Database, filing_id: int, **fields) -> None:
    assignments = ", ".join(f"{key} = :{key}" for key in fields)
    db.execute(f"UPDATE filings SET {assignments} WHERE id = :id", {**fields, "id": filing_id})


def insert_event(db: sqlite_utils.Database, *, filing_id: int, action: str, from_state, to_state: str,
                 operator_id: int, at: str, detail: dict) -> None:
    db.execute(
        "INSERT INTO filing_events (id, filing_id, action, from_state, to_state, operator_id, at, detail_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id(db, "filing_events"), filing_id, action, from_state, to_state, operator_id, at, json.dumps(detail, ensure_ascii=False)],
    )


def get_filing(db: sqlite_utils.Database, filing_id: int) -> dict | None:
    rows = list(db.query(f"{_SELECT} WHERE f.id = ?", [filing_id]))
    return rows[0] if rows else None


def filings_of(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE f.person_id = ? ORDER BY f.id DESC", [person_id]))


def filings_for_disease(db: sqlite_utils.Database, person_id: int, disease_code: str) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE f.person_id = ? AND f.disease_code = ? ORDER BY f.id", [person_id, disease_code]))


def approved_ending_by(db: sqlite_utils.Database, last_day: str) -> list[dict]:
    """Approved filings with an end date on or before `last_day` (due soon or lapsed), soonest first."""
    return list(db.query(
        f"{_SELECT} WHERE f.state = 'approved' AND f.effective_to IS NOT NULL AND f.effective_to <= ?"
        " ORDER BY f.effective_to, f.id",
        [last_day],
    ))


def events_of(db: sqlite_utils.Database, filing_id: int) -> list[dict]:
    return list(db.query(
        "SELECT e.*, o.display_name AS operator_name FROM filing_events e JOIN operators o ON o.id = e.operator_id"
        " WHERE e.filing_id = ? ORDER BY e.id",
        [filing_id],
    ))


def covered_on(db: sqlite_utils.Database, person_id: int, day: str) -> bool:
    """Whether an active enrolment's benefits cover `day` (a filing is accepted only then)."""
    rows = list(db.query(
        "SELECT id FROM enrolments WHERE person_id = ? AND status = 'active' AND benefit_start <= ? AND benefit_end >= ?",
        [person_id, day, day],
    ))
    return bool(rows)
