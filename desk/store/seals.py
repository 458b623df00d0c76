"""Row seals: what the audit chain says a business row became.

Every audit entry about a record (record_type + record_id) carries `_seal`, the SHA-256 of that
row as it stands when the entry is written (inside the same transaction, after the write). The
entry's own hash covers it, so the chain pins every row down: `desk check` recomputes each row's
seal and compares it with the latest entry about it. A row changed behind the app's back (a fund
amount raised, a person renamed, a clerk made a reviewer), or inserted without an audit entry, is
named. Columns that change without being business facts (an operator's failed-login counter and
lock) are left out of the seal.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass

import sqlite_utils

from desk.core.records import RECORD_TYPES
from desk.store.audit import canonical_json

# record_type of the audit log -> (table, columns left out of the seal), from the one registry
SEALED: dict[str, tuple[str, tuple[str, ...]]] = {key: (kind.table, kind.unsealed) for key, kind in RECORD_TYPES.items()}
# record_type -> the columns added after its table was first sealed (left out of the seal while NULL)
ADDED_LATER: dict[str, tuple[str, ...]] = {key: kind.added_later for key, kind in RECORD_TYPES.items()}
SEAL_KEY = "_seal"


def seal_of_row(row: dict, left_out: tuple[str, ...] = (), added_later: tuple[str, ...] = ()) -> str:
    material = canonical_json({key: value for key, value in row.items()
                               if key not in left_out and not (key in added_later and value is None)})
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def seal(db: sqlite_utils.Database, record_type: str | None, record_id) -> str | None:
    """The seal of the named row as it stands, or None for a record type that is not sealed."""
    if record_type not in SEALED or record_id is None:
        return None
    table, left_out = SEALED[record_type]
    try:
        key = int(record_id)
    except (TypeError, ValueError):
        return None
    rows = list(db.query(f"SELECT * FROM {table} WHERE id = ?", [key]))
    return seal_of_row(rows[0], left_out, ADDED_LATER[record_type]) if rows else None


@dataclass(frozen=True)
class AuditedSeal:
    entry_id: int
    action: str
    seal: str | None  # None: the entry predates seals (an older version of desk wrote it)


def audited_seals(db: sqlite_utils.Database) -> dict[tuple[str, int], AuditedSeal]:
    """For every sealed record the audit log speaks of: its latest entry and that entry's seal."""
    latest: dict[tuple[str, int], AuditedSeal] = {}
    placeholders = ", ".join("?" for _ in SEALED)
    cursor = db.execute(
        f"SELECT id, action, record_type, record_id, detail_json FROM audit_log WHERE record_type IN ({placeholders})"
        " AND record_id IS NOT NULL ORDER BY id", list(SEALED))
    for entry_id, action, record_type, record_id, detail_json in cursor:
        try:
            key = (record_type, int(record_id))
        except (TypeError, ValueError):
            continue
        try:
            detail = json.loads(detail_json)
        except json.JSONDecodeError:
            detail = {}
        latest[key] = AuditedSeal(entry_id, action, detail.get(SEAL_KEY) if isinstance(detail, dict) else None)
    return latest


def sealed_rows(db: sqlite_utils.Database, record_type: str) -> Iterator[tuple[int, str]]:
    """(id, seal) of every row of a sealed table, in id order."""
    table, left_out = SEALED[record_type]
    for row in db.query(f"SELECT * FROM {table} ORDER BY id"):
        yield row["id"], seal_of_row(row, left_out, ADDED_LATER[record_type])


def triggers(db: sqlite_utils.Database) -> dict[str, str]:
    """Every trigger of the database by name, with its SQL."""
    return {name: sql for name, sql in db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")}
