"""Opening the database: WAL, synchronous=FULL, foreign keys, migrations applied at start; or
read-only (`connect_read_only`: the read-only commands, which never migrate or write)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import sqlite_utils

from desk.core.errors import DeskError

BUSY_TIMEOUT_MS = 10_000


class DatabaseError(DeskError):
    """数据库无法打开或已损坏，请联系管理员从备份恢复。"""

    code = "database"


class NotDeskDatabase(DatabaseError):
    """这个文件不是 desk 的数据库，desk 没有改动它。"""

    code = "not_desk_database"



def connect(path: Path | str, *, migrate: bool = True) -> sqlite_utils.Database:
    """Open (creating if needed) the desk database with the safety settings every connection needs."""
    from desk.store.migrations import apply_migrations, writable_problem

    connection = None
    try:
        connection = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        db = sqlite_utils.Database(connection, execute_plugins=False)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        problem = writable_problem(db, path)  # before WAL mode, which would already change its header
        if problem:
            connection.close()
            raise NotDeskDatabase(problem)
        _apply_pragmas(db, memory=str(path) == ":memory:")
    except sqlite3.DatabaseError as error:
        if connection is not None:  # a damaged page read here must not leave the file locked for its restore
            connection.close()
        raise DatabaseError(f"数据库文件 {path} 无法打开：{error}。请联系管理员从备份恢复。") from None
    if migrate:
        apply_migrations(db)
    return db


def read_only_uri(path: Path | str) -> str:
    """An SQLite URI opening `path` read-only. The path is percent-encoded: a '#' or '%' in a folder
    name would otherwise cut or change it (and drop `mode=ro`, creating an empty database there).
    Drive paths become file:///C:/..., UNC paths file:////server/share/..."""
    return uri_of_posix_path(Path(path).absolute().as_posix()) + "?mode=ro"


def uri_of_posix_path(posix: str) -> str:
    return "file://" + ("" if posix.startswith("/") else "/") + quote(posix, safe="/:")


def connect_read_only(path: Path | str) -> sqlite_utils.Database:
    """Open an existing desk database read-only: never created, never migrated, never written
    (`mode=ro` and `query_only`). A file that is not one, or not of this desk version, is refused
    with `NotDeskDatabase`; a damaged one with `DatabaseError` (its cause kept for classification)."""
    if not Path(path).is_file():
        raise DatabaseError(f"数据库 {path} 不存在。")
    try:
        connection, db, problem = _open_read_only(read_only_uri(path), path)
    except sqlite3.OperationalError as error:
        # A WAL database closed cleanly in a folder this user cannot write: SQLite cannot create the
        # -shm index a reader needs. With no -wal beside it nobody can be writing it, so it is read as
        # an unchanging file (immutable=1).
        if "readonly" not in str(error).lower() or Path(f"{path}-wal").exists():
            raise DatabaseError(f"数据库文件 {path} 无法读取：{error}。") from error
        try:
            connection, db, problem = _open_read_only(read_only_uri(path) + "&immutable=1", path)
        except sqlite3.DatabaseError as second:
            raise DatabaseError(f"数据库文件 {path} 无法读取：{second}。") from second
    except sqlite3.DatabaseError as error:
        raise DatabaseError(f"数据库文件 {path} 无法读取：{error}。") from error
    if problem:
        connection.close()
        raise NotDeskDatabase(problem)
    return db


def _open_read_only(uri: str, path) -> tuple[sqlite3.Connection, sqlite_utils.Database, str | None]:
    connection = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA query_only = ON")
        connection.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(connection, execute_plugins=False)
        from desk.store.migrations import schema_problem

        return connection, db, schema_problem(db, path)
    except BaseException:
        connection.close()
        raise


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
        try:
            conn.execute("COMMIT")
        except BaseException:  # a commit refused (a full disk, an I/O error) leaves nothing half-done
            if conn.in_transaction:
                conn.rollback()
            raise


def integrity_problems(db: sqlite_utils.Database) -> list[str]:
    rows = db.execute("PRAGMA integrity_check").fetchall()
    problems = [row[0] for row in rows if row[0] != "ok"]
    problems += [f"外键错误：{row}" for row in db.execute("PRAGMA foreign_key_check").fetchall()]
    return problems
