"""Database files desk reads or writes without opening them as the app's database: a backup being
checked, the copy a backup or a restore writes, the current file a restore locks. Plain sqlite3
connections (no WAL switch, no migrations, no plug-ins) and every statement desk runs over them;
desk.services.backup and desk.services.restore decide what the answers mean."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import sqlite_utils

from desk.store import audit as audit_store
from desk.store.db import read_only_uri

APPLICATION_ID = 0x4445534B  # "DESK" in the header of every backup


def open_file(path: Path | str) -> sqlite3.Connection:
    """A plain connection to `path` (created when missing): the file a copy is written into."""
    return sqlite3.connect(str(path))


def open_read_only(path: Path | str) -> sqlite3.Connection:
    """A plain read-only connection (`mode=ro`): a backup read, never written."""
    return sqlite3.connect(read_only_uri(path), uri=True)


def open_for_lock(path: Path | str, timeout: float) -> sqlite3.Connection:
    """A connection in autocommit mode that `hold_exclusively` then locks the file with."""
    return sqlite3.connect(str(path), timeout=timeout, isolation_level=None)


def hold_exclusively(connection: sqlite3.Connection) -> None:
    """Take the exclusive lock and keep it: in exclusive locking mode it stays until the connection
    closes. An sqlite3.Error when another connection holds the file (or it is damaged)."""
    connection.execute("PRAGMA locking_mode = EXCLUSIVE")
    connection.execute("BEGIN EXCLUSIVE")
    connection.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    connection.execute("ROLLBACK")  # exclusive locking mode: the lock stays until the connection closes


def leave_wal(connection: sqlite3.Connection) -> None:
    """Checkpoint the write-ahead log into the file and remove it (rollback-journal mode); a lock held stays."""
    connection.execute("PRAGMA journal_mode = DELETE")


def database_over(connection: sqlite3.Connection) -> sqlite_utils.Database:
    """The store's functions over a plain connection."""
    return sqlite_utils.Database(connection)


def table_names(connection: sqlite3.Connection) -> set[str]:
    return {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def desk_migrations_recorded(connection: sqlite3.Connection) -> int:
    """How many of desk's migrations the file records as applied."""
    return connection.execute("SELECT COUNT(*) FROM _sqlite_migrations WHERE migration_set = 'desk'").fetchone()[0]


def quick_check(connection: sqlite3.Connection) -> str:
    """SQLite's quick_check of the whole file: 'ok', or its first problem."""
    return connection.execute("PRAGMA quick_check").fetchone()[0]


def application_id(connection: sqlite3.Connection) -> int:
    return connection.execute("PRAGMA application_id").fetchone()[0]


def user_version(connection: sqlite3.Connection) -> int:
    """The stamp a backup carries (its taken-at time; desk.services.backup)."""
    return connection.execute("PRAGMA user_version").fetchone()[0]


def chain_head(connection: sqlite3.Connection) -> tuple[int, str]:
    """(entry number, hash) of the last audit entry in the file."""
    return audit_store.head(database_over(connection))


def copy_pages(source: sqlite3.Connection, target: sqlite3.Connection, stamp: int | None) -> None:
    """One backup step over all pages of `source` into `target` (a single read transaction, not
    restarted by writers), made one self-contained file; with `stamp`, desk's application id and
    the stamp written into its header."""
    source.backup(target, pages=-1)
    target.execute("PRAGMA journal_mode = DELETE")  # a backup is one self-contained file
    if stamp is not None:
        target.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        target.execute(f"PRAGMA user_version = {stamp}")
    target.commit()


def checkpoint(db: sqlite_utils.Database) -> None:
    """Fold the write-ahead log into the file and empty it (a restored file before its rename)."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
