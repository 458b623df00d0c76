"""Annual standards an administrator entered: append-only versions per pack and benefit year."""

from __future__ import annotations

import json

import sqlite_utils

from desk.store.ids import new_id


def insert_standard(db: sqlite_utils.Database, *, pack_id: str, year: int, individual_fen: int,
                    subsidies: dict[str, int | str], document: str, status: str, entered_by: int,
                    entered_at: str) -> int:
    return db["annual_standards"].insert({
        "id": new_id(db, "annual_standards"), "pack_id": pack_id, "year": year, "individual_fen": individual_fen,
        "subsidies_json": json.dumps(subsidies, ensure_ascii=False), "document": document, "status": status,
        "entered_by": entered_by, "entered_at": entered_at,
    }).last_pk


def standards_of(db: sqlite_utils.Database, pack_id: str | None = None) -> list[dict]:
    """Every entry (of one pack, or of all), oldest first, with the name of who entered it."""
    where, params = ("WHERE s.pack_id = ?", [pack_id]) if pack_id else ("", [])
    rows = db.query(
        "SELECT s.*, o.display_name AS entered_by_name FROM annual_standards s"
        f" JOIN operators o ON o.id = s.entered_by {where} ORDER BY s.id", params)
    return [{**row, "subsidies": json.loads(row["subsidies_json"])} for row in rows]


def latest_standard_id(db: sqlite_utils.Database) -> int:
    """The highest entry number: changes whenever anyone (any process) enters a standard."""
    return db.execute("SELECT COALESCE(MAX(id), 0) FROM annual_standards").fetchone()[0]
