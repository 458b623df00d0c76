"""Operators (accounts of the people at the window)."""

from __future__ import annotations

import sqlite3

import sqlite_utils

from desk.store.ids import new_id


def operator_by_username(db: sqlite_utils.Database, username: str) -> dict | None:
    rows = list(db.query("SELECT * FROM operators WHERE username = ?", [username]))
    return rows[0] if rows else None


def operator_by_id(db: sqlite_utils.Database, operator_id: int) -> dict | None:
    rows = list(db.query("SELECT * FROM operators WHERE id = ?", [operator_id]))
    return rows[0] if rows else None


def list_operators(db: sqlite_utils.Database) -> list[dict]:
    return list(db.query("SELECT * FROM operators ORDER BY id", []))


def count_operators(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM operators").fetchone()[0]


def count_active_admins(db: sqlite_utils.Database) -> int:
    return db.execute("SELECT COUNT(*) FROM operators WHERE role = 'admin' AND disabled = 0").fetchone()[0]


def standing(db: sqlite_utils.Database, operator_id: int) -> tuple | None:
    """(role, disabled) of an account as it stands now, None when there is no such account."""
    return db.execute("SELECT role, disabled FROM operators WHERE id = ?", [operator_id]).fetchone()


def operator_row(connection: sqlite3.Connection, username: str) -> tuple | None:
    """(id, username, display_name, role, disabled, password_hash) of an operator, read-only; over a
    plain sqlite3 connection (a backup file that is not opened as a desk)."""
    return connection.execute(
        "SELECT id, username, display_name, role, disabled, password_hash FROM operators WHERE username = ?",
        [username]).fetchone()


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
