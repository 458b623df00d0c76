"""Key/value settings, stored as JSON text."""

from __future__ import annotations

import json

import sqlite_utils


def get_setting(db: sqlite_utils.Database, key: str, default=None):
    row = db.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchone()
    return json.loads(row[0]) if row else default


def all_settings(db: sqlite_utils.Database) -> dict:
    return {key: json.loads(value) for key, value in db.execute("SELECT key, value FROM settings")}


def put_setting(db: sqlite_utils.Database, key: str, value, *, at: str, operator_id: int | None) -> None:
    db.execute(
        "INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)"
        " ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at,"
        " updated_by = excluded.updated_by",
        [key, json.dumps(value, ensure_ascii=False), at, operator_id],
    )
