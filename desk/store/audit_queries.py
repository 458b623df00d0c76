"""Listing queries on the audit log for the administrator's 审计日志 page (the log itself: desk.store.audit)."""

from __future__ import annotations

import sqlite_utils


def count_entries(db: sqlite_utils.Database, where: str, params: list) -> int:
    """How many entries a filter selects (`where` as desk.services.audit builds it, "" for all)."""
    row = next(db.query(f"SELECT COUNT(*) AS count FROM audit_log{where}", params))
    return row["count"]


def operator_names(db: sqlite_utils.Database) -> list[str]:
    """The names the log's entries carry, in order: every operator account's (accounts are never
    deleted; read from operators, not by scanning the log, 0.4 s at a million entries)."""
    return [row["display_name"] for row in db.query(
        "SELECT DISTINCT display_name FROM operators WHERE display_name IS NOT NULL ORDER BY display_name")]
