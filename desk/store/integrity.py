"""What `desk check` reads beyond the audit chain and the seals: rows that break a four-eyes rule,
and the triggers the migrations create (read off a fresh in-memory database)."""

from __future__ import annotations

import sqlite_utils

from desk.store import seals as seals_store


def self_decided_filings(db: sqlite_utils.Database) -> list[tuple[int, str]]:
    """(id, state) of every filing decided by the operator who accepted it."""
    return list(db.execute("SELECT id, state FROM filings WHERE decided_by IS NOT NULL AND decided_by = accepted_by"))


def self_reversed_settlements(db: sqlite_utils.Database) -> list[tuple[int, int]]:
    """(reversal id, original id) of every settlement reversed by the operator who recorded it."""
    return list(db.execute(
        "SELECT r.id, o.id FROM settlements r JOIN settlements o ON o.id = r.reverses_id"
        " WHERE r.entry = 'reversal' AND r.operator_id = o.operator_id"))


def migration_triggers() -> dict[str, str]:
    """Every trigger the migrations create, by name, with its SQL."""
    from desk.store.migrations import apply_migrations

    fresh = sqlite_utils.Database(memory=True)
    apply_migrations(fresh)
    return seals_store.triggers(fresh)


def export_mark_mismatches(db: sqlite_utils.Database) -> list[tuple[int, int, int]]:
    """(batch, records the batch row counts, records marked exported in it) where the two differ: a mark
    added behind the app's back hides a record from every later batch."""
    return list(db.execute(
        "SELECT id, records, marks FROM (SELECT b.id, b.records,"
        " (SELECT COUNT(*) FROM export_records r WHERE r.batch_id = b.id) AS marks FROM export_batches b)"
        " WHERE marks != records"))
