"""Operators (accounts of the people at the window)."""

from __future__ import annotations

import sqlite_utils

from desk.store.ids import new_id
from desk.store.persons import _rows


def operator_by_username(db: sqlite_utils.Database, username: str) -> dict | None:
    rows = _rows(db, "SELECT * FROM operators WHERE username = ?", [username])
    return rows[0] if rows else None


def operator_by_id(db: sqlite_utils.Database, operator_id: int) -> dict | None:
    rows = _rows(db, "SELECT * FROM operators WHERE id = ?", [operator_id])
    return rows[0] if rows else None


def list_operators(db: sqlite_utils.Database) -> list[dict]:
    return _rows(db, "SELECT * FROM operators ORDER BY id", [])


def count_operators(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM operators").fetchone()[0]


def insert_operator(db: sqlite_utils.Database, row: dict) -> int:
    columns = ("id", "username", "display_name", "role", "password_hash", "must_change_password", "created_at",
               "created_by")
    cursor = db.execute(
        f"INSERT INTO operators ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})",
        {**{c: row.get(c) for c in columns}, "id": new_id(db, "operators")},
    )
    return cursor.lastrowid


def update_operator(db: sqlite_utils.Database, operator_id: int, **fields) -> None:
    assignments = ", ".join(f"{key} = :{key}" for key in fields)
    db.execute(f"UPDATE operators SET {assignments} WHERE id = :id", {**fields, "id": operator_id})
