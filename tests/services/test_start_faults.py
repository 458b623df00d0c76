"""Issue 11, item 7: start-up tells a damaged database from a locked, read-only, full or failing one;
only damage is answered with a backup (the UI shows what these return)."""

import sqlite3

import pytest

from desk.services import faults, startup
from desk.services.context import Desk
from desk.store import db as store_db


@pytest.fixture
def closed_database(tmp_path, clock):
    path = tmp_path / "desk.db"
    Desk.open(path, clock=clock).close()
    return path


def test_a_sound_database_opens(closed_database, clock):
    check = startup.check_at_start(closed_database, full_check=True, clock=clock)
    assert check.sound and check.desk is not None
    check.desk.close()


def test_a_damaged_file_is_corrupt_and_offers_a_backup(closed_database, clock):
    closed_database.write_bytes(b"SQLite format 3\0" + b"\xa5" * 8192)
    check = startup.check_at_start(closed_database, full_check=True, clock=clock)
    assert check.fault.kind == faults.CORRUPT and check.fault.offers_backup and check.desk is None


def test_a_locked_database_is_busy_not_damaged(closed_database, clock, monkeypatch):
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 200)
    holder = sqlite3.connect(closed_database, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        check = startup.check_at_start(closed_database, full_check=True, clock=clock)
    finally:
        holder.close()
    assert check.fault.kind == faults.LOCKED and not check.fault.offers_backup
    assert "重试" in check.fault.next_step and "不需要恢复备份" in check.fault.next_step


@pytest.mark.parametrize("message, kind, words", [
    ("attempt to write a readonly database", faults.PERMISSION, "权限"),
    ("unable to open database file", faults.PERMISSION, "权限"),
    ("database or disk is full", faults.FULL, "空间"),
    ("disk I/O error", faults.IO, "磁盘"),
    ("database is locked", faults.LOCKED, "占用"),
    ("database disk image is malformed", faults.CORRUPT, "损坏"),
    ("file is not a database", faults.CORRUPT, "损坏"),
])
def test_each_fault_on_opening_has_its_own_message(closed_database, clock, monkeypatch, message, kind, words):
    def failing(path, *, migrate=True):
        raise store_db.DatabaseError(f"数据库文件 {path} 无法打开") from sqlite3.OperationalError(message)

    monkeypatch.setattr("desk.services.context.connect", failing)
    check = startup.check_at_start(closed_database, full_check=True, clock=clock)
    assert check.fault.kind == kind and words in check.fault.title + check.fault.message
    assert check.fault.offers_backup == (kind == faults.CORRUPT)


@pytest.mark.parametrize("number, kind", [(28, faults.FULL), (13, faults.PERMISSION), (30, faults.PERMISSION), (5, faults.IO)])
def test_operating_system_errors_are_classified(number, kind):
    assert faults.kind_of(OSError(number, "x")) == kind


def test_a_raw_sqlite_error_code_wins_over_its_text():
    error = sqlite3.OperationalError("something")
    error.sqlite_errorcode = 13  # SQLITE_FULL
    assert faults.kind_of(error) == faults.FULL
