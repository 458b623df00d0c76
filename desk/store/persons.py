"""Persons: the current record plus every earlier version (person_versions)."""

from __future__ import annotations

import json

import sqlite_utils

from desk.store.ids import new_id

PERSON_FIELDS = (
    "id_type", "id_number", "name", "sex", "birth_date", "native_region", "ethnicity", "phone",
    "household_type", "address", "township", "village", "groups_json",
)
_SELECT = "SELECT * FROM persons"
NAME_UPPER_BOUND = "\U0010ffff"


def _first(db: sqlite_utils.Database, sql: str, params) -> dict | None:
    return next(iter(db.query(sql, params)), None)


def get_person(db: sqlite_utils.Database, person_id: int) -> dict | None:
    return _first(db, f"{_SELECT} WHERE id = ?", [person_id])


def person_by_id_number(db: sqlite_utils.Database, id_number: str) -> dict | None:
    return _first(db, f"{_SELECT} WHERE id_number = ?", [id_number])


def persons_by_name_prefix(db: sqlite_utils.Database, prefix: str, limit: int, offset: int = 0) -> list[dict]:
    return list(db.query(
        f"{_SELECT} WHERE name >= ? AND name < ? ORDER BY name, id LIMIT ? OFFSET ?",
        [prefix, prefix + NAME_UPPER_BOUND, limit, offset],
    ))


def persons_by_phone(db: sqlite_utils.Database, phone: str, limit: int) -> list[dict]:
    return list(db.query(f"{_SELECT} WHERE phone = ? ORDER BY name, id LIMIT ?", [phone, limit]))


def persons_by_id_prefix(db: sqlite_utils.Database, prefix: str, limit: int) -> list[dict]:
    return list(db.query(
        f"{_SELECT} WHERE id_number >= ? AND id_number < ? ORDER BY id_number LIMIT ?", [prefix, prefix + "~", limit]
    ))


def insert_person(db: sqlite_utils.Database, data: dict, *, at: str, region_code: str) -> int:
    values = {key: data.get(key) for key in PERSON_FIELDS}
    cursor = db.execute(
        f"INSERT INTO persons (id, {', '.join(PERSON_FIELDS)}, version, created_at, updated_at)"
        f" VALUES (:id, {', '.join(':' + k for k in PERSON_FIELDS)}, 1, :at, :at)",
        {**values, "at": at, "id": new_id(db, "persons")},
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
        "INSERT INTO person_versions (id, person_id, version, data_json, operator_id, changed_at)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [new_id(db, "person_versions"), person_id, version, json.dumps(data, ensure_ascii=False, sort_keys=True), operator_id, at],
    )


def person_versions(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM person_versions WHERE person_id = ? ORDER BY version", [person_id]))


# A stored number is canonical when it is what `parse_id_number` / the person form would store today:
# a 居民身份证 number is 17 ASCII digits and a digit or X; another document's number is ASCII A-Z and 0-9.
_NOT_CANONICAL = """
    SELECT id, id_type, id_number, name FROM persons
    WHERE CASE WHEN id_type = '居民身份证'
               THEN length(id_number) != 18 OR substr(id_number, 1, 17) GLOB '*[^0-9]*'
                    OR substr(id_number, 18, 1) GLOB '[^0-9X]'
               ELSE id_number = '' OR id_number GLOB '*[^0-9A-Z]*' END
    ORDER BY id
"""


def non_canonical_persons(db: sqlite_utils.Database) -> list[dict]:
    """Persons whose stored id_number is not in its canonical form (e.g. typed with full-width digits by an
    older version), each with `canonical` (the form it stands for, or None when it cannot be read as a number),
    `same_as` (the ids of the other persons with that same number once normalised: one person registered
    more than once) and a Chinese `message` for `desk check`. Canonical rows cannot collide (UNIQUE)."""
    from desk.core.idnumber import canonical_id_number, canonical_text

    rows = list(db.query(_NOT_CANONICAL))
    for row in rows:
        text = canonical_text(row["id_number"] or "")
        if row["id_type"] == "居民身份证":
            row["canonical"] = canonical_id_number(text)
        else:
            row["canonical"] = text if text.isascii() and text.isalnum() else None
    by_canonical: dict[str, list[int]] = {}
    for row in rows:
        if row["canonical"]:
            by_canonical.setdefault(row["canonical"], []).append(row["id"])
    for row in rows:
        row["same_as"] = _same_number(db, row, by_canonical)
        row["message"] = _non_canonical_message(row)
    return rows


def _same_number(db: sqlite_utils.Database, row: dict, by_canonical: dict[str, list[int]]) -> list[int]:
    if not row["canonical"]:
        return []
    stored = person_by_id_number(db, row["canonical"])
    others = [person_id for person_id in by_canonical[row["canonical"]] if person_id != row["id"]]
    return sorted(([stored["id"]] if stored else []) + others)


def _non_canonical_message(row: dict) -> str:
    where = f"参保人 {row['id']}（{row['name']}）的证件号码“{row['id_number']}”"
    if not row["canonical"]:
        return where + "含有不是数字0-9或X的字符（或位数不对），请对照证件核对后按证件号码变更业务更正。"
    if row["same_as"]:
        same = "、".join(str(person_id) for person_id in row["same_as"])
        return (where + f"不是规范写法（即 {row['canonical']}），与参保人 {same} 是同一号码："
                "同一人被重复登记，请核对其参保、结算记录后合并处理。")
    return where + f"不是规范写法（应为 {row['canonical']}，如全角数字），请按证件号码变更业务更正。"
