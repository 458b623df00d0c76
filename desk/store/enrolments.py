"""Enrolments: one active row per person, scheme and year; cancelled rows stay."""

from __future__ import annotations

import sqlite_utils

from desk.store.ids import new_id

ENROLMENT_COLUMNS = (
    "person_id", "scheme", "year", "region_code", "pack_id", "pack_version", "groups_json", "subsidy_group",
    "individual_fen", "subsidy_fen", "payable_fen", "paid_on", "benefit_start", "benefit_end", "waiting_months",
    "start_reason", "provisional_json", "origin", "status", "operator_id", "window", "created_at",
)


def insert_enrolment(db: sqlite_utils.Database, row: dict) -> int:
    columns = ["id", *(key for key in ENROLMENT_COLUMNS if key in row and key != "id")]
    cursor = db.execute(
        f"INSERT INTO enrolments ({', '.join(columns)}) VALUES ({', '.join(':' + k for k in columns)})",
        {**{key: row[key] for key in columns[1:]}, "id": new_id(db, "enrolments")},
    )
    return cursor.lastrowid


# An enrolment row with `operator_name`: the display name of the operator who recorded it (None when there
# is none, or the operator's row is missing).
_WITH_OPERATOR = (
    "SELECT e.*, o.display_name AS operator_name FROM enrolments e LEFT JOIN operators o ON o.id = e.operator_id"
)


def get_enrolment(db: sqlite_utils.Database, enrolment_id: int) -> dict | None:
    """The enrolment with `operator_name`."""
    return next(iter(db.query(f"{_WITH_OPERATOR} WHERE e.id = ?", [enrolment_id])), None)


def enrolments_of(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    return list(db.query("SELECT * FROM enrolments WHERE person_id = ? ORDER BY year DESC, id DESC", [person_id]))


def enrolments_with_operators(db: sqlite_utils.Database, person_id: int) -> list[dict]:
    """`enrolments_of`, each row with `operator_name`."""
    return list(db.query(f"{_WITH_OPERATOR} WHERE e.person_id = ? ORDER BY e.year DESC, e.id DESC", [person_id]))


def active_enrolment(db: sqlite_utils.Database, person_id: int, scheme: str, year: int) -> dict | None:
    return next(iter(db.query(
        "SELECT * FROM enrolments WHERE person_id = ? AND scheme = ? AND year = ? AND status = 'active'",
        [person_id, scheme, year],
    )), None)


def last_enrolled_year(db: sqlite_utils.Database, person_id: int, before_year: int) -> int | None:
    """The latest year before `before_year` with an active enrolment in any basic scheme."""
    row = db.execute(
        "SELECT MAX(year) FROM enrolments WHERE person_id = ? AND year < ? AND status = 'active'",
        [person_id, before_year],
    ).fetchone()
    return row[0]


def cancel_enrolment(db: sqlite_utils.Database, enrolment_id: int, *, at: str, operator_id: int, reason: str) -> None:
    db.execute(
        "UPDATE enrolments SET status = 'cancelled', cancelled_at = ?, cancelled_by = ?, cancel_reason = ?"
        " WHERE id = ? AND status = 'active'",
        [at, operator_id, reason, enrolment_id],
    )


def packs_enrolled_since(db: sqlite_utils.Database, year: int) -> list[str]:
    """Every pack an enrolment of `year` or later was made under, in order."""
    return [row[0] for row in db.execute(
        "SELECT DISTINCT pack_id FROM enrolments WHERE year >= ? AND pack_id IS NOT NULL ORDER BY pack_id", [year])]
