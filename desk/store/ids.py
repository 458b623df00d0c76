"""Record ids across a restore (issue 11, item 6): no id is ever issued twice.

SQLite gives a new row the highest id in its table plus one, so after a restore to an older backup
the ids of everything recorded since that backup would be issued again (a 个人编号 is built from the
person's id: two residents would hold the same number on paper). A restore therefore writes, per
table, the highest id ever issued (read from the file it kept aside) into `id_floors`, and every
insert of the store takes its id from `new_id`: above the floor while the table is still below it,
SQLite's own choice (None) otherwise. Floors are only ever raised (a trigger refuses lowering or
deleting one). The audit chain keeps its own numbering: the restored chain continues from the
restored head, and the entries after the backup stay in the kept-aside file with their papers.
"""

from __future__ import annotations

import sqlite3

import sqlite_utils

# every table whose rows get an id on insert (the audit chain numbers its entries itself)
ID_TABLES = ("operators", "persons", "person_versions", "enrolments", "vouchers", "voucher_prints", "filings",
             "filing_events", "settlements", "holiday_schedules", "transfers", "transfer_events",
             "annual_standards", "export_batches")


def new_id(db: sqlite_utils.Database, table: str) -> int | None:
    """The id for a new row of `table`: one above its floor while the table is below the floor;
    otherwise None (SQLite then takes the highest id plus one, as always)."""
    row = db.execute("SELECT floor FROM id_floors WHERE table_name = ?", [table]).fetchone()
    if row is None:
        return None
    highest = db.execute(f"SELECT MAX(id) FROM {table}").fetchone()[0] or 0
    return row[0] + 1 if row[0] > highest else None


def highest_ids(connection: sqlite3.Connection) -> dict[str, int]:
    """table -> the highest id ever issued in a database (its rows and its own floors), read-only."""
    highest: dict[str, int] = {}
    names = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    for table in ID_TABLES:
        if table in names:
            highest[table] = connection.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
    if "id_floors" in names:
        for table, floor in connection.execute("SELECT table_name, floor FROM id_floors"):
            highest[table] = max(highest.get(table, 0), floor)
    return highest


def raise_floors(connection: sqlite3.Connection, highest: dict[str, int]) -> dict[str, int]:
    """Make every table's next id come after `highest` (where this database is below it); returns
    the floors raised."""
    raised: dict[str, int] = {}
    for table, floor in sorted(highest.items()):
        if table not in ID_TABLES:
            continue
        own = connection.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}").fetchone()[0]
        current = connection.execute("SELECT floor FROM id_floors WHERE table_name = ?", [table]).fetchone()
        if floor > own and (current is None or current[0] < floor):
            connection.execute("INSERT INTO id_floors (table_name, floor) VALUES (?, ?)"
                               " ON CONFLICT(table_name) DO UPDATE SET floor = excluded.floor", [table, floor])
            raised[table] = floor
    return raised
