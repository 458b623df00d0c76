"""Opening the database: WAL, synchronous=FULL, foreign keys, migrations applied at start."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import sqlite_utils

from desk.core.errors import DeskError

BUSY_TIMEOUT_MS = 10_000


class DatabaseError(DeskError):
    """数据库无法打开或已损坏，请联系管理员从备份恢复。"""

    code = "database"


def connect(path: Path | str, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the desk database with the safety settings every connection needs."""
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(connection, execute_plugins=False)
        _apply_pragmas(db, memory=str(path) == ":memory:")
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"数据库文件 {path} 无法打开：{error}。请联系管理员从备份恢复。") from None
    if migrate:
        from desk.store.migrations import apply_migrations

        apply_migrations(db)
    return db


def _apply_pragmas(db: sqlite_utils.Database, memory: bool) -> None:
    conn = db.conn
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    if not memory:
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise DatabaseError(f"数据库无法切换到 WAL 模式（当前 {mode}）。")
    conn.execute("PRAGMA synchronous = FULL")
    conn.execute("PRAGMA foreign_keys = ON")


@contextmanager
def write_transaction(db: sqlite_utils.Database) -> Iterator[sqlite_utils.Database]:
    """One user action = one transaction. BEGIN IMMEDIATE takes the write lock up front, so a
    second app on the same file waits (busy_timeout) instead of failing half-way."""
    conn = db.conn
    if conn.in_transaction:
        with db.atomic():
            yield db
        return
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.rollback()
        raise
    else:
        conn.execute("COMMIT")


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute("PRAGMA integrity_check").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    problems += [f"外键错误：{row}" for row in db.execute("PRAGMA foreign_key_check").fetchall()]
    return problems
