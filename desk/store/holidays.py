"""Holiday schedules an administrator loaded (append-only; the newest per year in force)."""

from __future__ import annotations

import json

import sqlite_utils

from desk.store.ids import new_id


def insert_schedule(db: sqlite_utils.Database, *, year: int, days_off: list[str], workdays: list[str], source: str,
                    loaded_by: int, at: str) -> int:
    cursor = db.execute(
        "INSERT INTO holiday_schedules (id, year, days_off_json, workdays_json, source, loaded_by, loaded_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [new_id(db, "holiday_schedules"), year, json.dumps(days_off), json.dumps(workdays), source, loaded_by, at],
    )
    return cursor.lastrowid


def loaded_schedules(db: sqlite_utils.Database) -> list[dict]:
    """Every schedule administrators loaded, newest first, with the loader's name."""
    return list(db.query("SELECT h.year, h.source, o.display_name AS loaded_by, h.loaded_at FROM holiday_schedules h"
                         " LEFT JOIN operators o ON o.id = h.loaded_by ORDER BY h.id DESC"))


def schedules(db: sqlite_utils.Database) -> list[dict]:
    """Every loaded schedule, oldest load first (a later load of a year replaces an earlier one)."""
    return list(db.query("SELECT year, days_off_json, workdays_json, source FROM holiday_schedules ORDER BY id"))
