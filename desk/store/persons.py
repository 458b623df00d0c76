"""Persons: the current record plus every earlier version (person_versions)."""

from __future__ import annotations

import json

import sqlite_utils

PERSON_FIELDS = (
    "id_type", "id_number", "name", "sex", "birth_date", "native_region", "ethnicity", "phone",
    "household_type", "address", "township", "village", "groups_json",
)
_SELECT = "SELECT * FROM persons"
NAME_UPPER_BOUND = "\U0010ffff"


def _rows(db: sqlite_utils.Database, sql: str, params) -> list[dict]:
    cursor = db.execute(sql, params)
    columns = [c[0] for c in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def get_person(db: sqlite_utils.Database, person_id: int) -> dict | None:
    rows = _rows(db, f"{_SELECT} WHERE id = ?", [person_id])
    return rows[0] if rows else None


def person_by_id_number(db: sqlite_utils.Database, id_number: str) -> dict | None:
    rows = _rows(db, f"{_SELECT} WHERE id_number = ?", [id_number])
    return rows[0] if rows else None


def persons_by_name_prefix(db: sqlite_utils.Database, prefix: str, limit: int, offset: int = 0) -> list[dict]:
    return _rows(
        db,
        f"{_SELECT} WHERE name >= ? AND name < ? ORDER BY name, id LIMIT ? OFFSET ?",
        [prefix, prefix + NAME_UPPER_BOUND, limit, offset],
    )


def persons_by_phone(db: sqlite_utils.Database, phone: str, limit: int) -> list[dict]:
    return _rows(db, f"{_SELECT} WHERE phone = ? ORDER BY name, id LIMIT ?", [phone, limit])


def persons_by_id_prefix(db: sqlite_utils.Database, prefix: str, limit: int) -> list[dict]:
    return _rows(
        db, f"{_SELECT} WHERE id_number >= ? AND id_number < ? ORDER BY id_number LIMIT ?", [prefix, prefix + "~", limit]
    )


def insert_person(db: sqlite_utils.Database, data: dict, *, at: str, region_code: str) -> int:
    values = {key: data.get(key) for key in PERSON_FIELDS}
    cursor = db.execute(
        f"INSERT INTO persons ({', '.join(PERSON_FIELDS)}, version, created_at, updated_at)"
        f" VALUES ({', '.join(':' + k for k in PERSON_FIELDS)}, 1, :at, :at)",
        {**values, "at": at},
    )
    person_id = cursor.lastrowid
    db.execute(
        "UPDATE persons SET personal_number = ? WHERE id = ?", [f"{region_code}{person_id:08d}", person_id]
    )
    return person_id


def update_person(db: sqlite_utils.Database, person_id: int, data: dict, *, at: str) -> int:
    """Write the new current values; returns the new version number."""
    values = {key: data.get(key) for key in PERSON_FIELDS if key != "id_number"}
    assignments = ", ".join(f"{key} = :{key}" for key in values)
    db.execute(
        f"UPDATE persons SET {assignments}, version = version + 1, updated_at = :at WHERE id = :id",
        {**values, "at": at, "id": person_id},
    )
    return db.execute("SELECT version FROM persons WHERE id = ?", [person_id]).fetchone()[0]


def insert_version(db: sqlite_utils.Database, person_id: int, version: int, data: dict, *, at: str, operator_id) -> None:
    db.execute(
        "INSERT INTO person_versions (person_id, version, data_json, operator_id, changed_at) VALUES (?, ?, ?, ?, ?)",
        [person_id, version, json.dumps(data, ensure_ascii=False, sort_keys=True), operator_id, at],
    )


def person_versions(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    return _rows(db, "SELECT * FROM person_versions WHERE person_id = ? ORDER BY version", [person_id])
