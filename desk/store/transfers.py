"""转移接续 applications and their events."""

from __future__ import annotations

import json

import sqlite_utils

from desk.store.ids import new_id

COLUMNS = (
    "query_number", "person_id", "applicant_name", "applicant_id_number", "direction", "scope", "out_region_code",
    "in_region_code", "form_json", "materials_json", "state", "accepted_on", "due_date", "due_provisional",
    "working_days", "created_by", "created_at", "window", "updated_at",
)
_SELECT = "SELECT t.*, o.display_name AS created_by_name FROM transfers t JOIN operators o ON o.id = t.created_by"


def insert_transfer(db: sqlite_utils.Database, row: dict) -> int:
    cursor = db.execute(
        f"INSERT INTO transfers (id, {', '.join(COLUMNS)}) VALUES (:id, {', '.join(':' + c for c in COLUMNS)})",
        {**{c: row.get(c) for c in COLUMNS}, "id": new_id(db, "transfers")},
    )
    return cursor.lastrowid


def update_transfer(db: sqlite_utils.Database, transfer_id: int, **fields) -> None:
    assignments = ", ".join(f"{key} = :{key}" for key in fields)
    db.execute(f"UPDATE transfers SET {assignments} WHERE id = :id", {**fields, "id": transfer_id})


def insert_event(db: sqlite_utils.Database, *, transfer_id: int, action: str, from_state, to_state: str,
                 operator_id: int, at: str, detail: dict) -> None:
    db.execute(
        "INSERT INTO transfer_events (id, transfer_id, action, from_state, to_state, operator_id, at, detail_json)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [new_id(db, "transfer_events"), transfer_id, action, from_state, to_state, operator_id, at, json.dumps(detail, ensure_ascii=False)],
    )


def get_transfer(db: sqlite_utils.Database, transfer_id: int) -> dict | None:
    rows = list(db.query(f"{_SELECT} WHERE t.id = ?", [transfer_id]))
    return rows[0] if rows else None


def open_transfers(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(
        f"{_SELECT} WHERE t.state IN ('awaiting_materials', 'accepted', 'out_review', 'in_review')"
        " ORDER BY t.due_date IS NULL, t.due_date, t.id",
    ))


def provisional_open(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE t.due_provisional = 1 AND t.state IN ('accepted', 'out_review', 'in_review')"))


def transfers_of_applicant(db: sqlite_utils.Database, id_number: str) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE t.applicant_id_number = ? ORDER BY t.id DESC", [id_number]))


def accepted_between(db: sqlite_utils.Database, first: str, last: str) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE t.accepted_on BETWEEN ? AND ?", [first, last]))


def completed_between(db: sqlite_utils.Database, first: str, last: str) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE t.state = 'completed' AND t.completed_on BETWEEN ? AND ?", [first, last]))


def events_of(db: sqlite_utils.Database, transfer_id: int) -> list[dict]:
    return list(db.query(
        "SELECT e.*, o.display_name AS operator_name FROM transfer_events e JOIN operators o ON o.id = e.operator_id"
        " WHERE e.transfer_id = ? ORDER BY e.id",
        [transfer_id],
    ))
