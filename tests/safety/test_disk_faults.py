"""Issue 11, item 9: faults become DeskErrors. A full disk (simulated with `PRAGMA max_page_count`),
a read-only or locked database during a business action: a Chinese message naming what to do,
nothing written, the database sound; in the GUI on the bar, never the generic apology; on the
command line one line, never a traceback. The error log falls back to a second place when the
data directory cannot take it."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from desk.core.errors import DeskError
from desk.services import enrolment, faults, persons
from tests.conftest import make_id_number, person_form


def fill_the_disk(desk) -> None:
    """From now on the file cannot grow (SQLite answers as on a full disk, SQLITE_FULL), and its free
    pages are taken by a ballast table, so the next business write needs a page it cannot have."""
    desk.db.execute("CREATE TABLE IF NOT EXISTS ballast (x BLOB)")
    desk.db.conn.commit()
    pages = desk.db.execute("PRAGMA page_count").fetchone()[0]
    desk.db.execute(f"PRAGMA max_page_count = {pages}")
    for size in (4000, 1000, 200, 20):
        try:
            while True:
                desk.db.execute("INSERT INTO ballast VALUES (randomblob(?))", [size])
        except sqlite3.OperationalError:
            pass
    desk.db.conn.commit()


def counts(desk) -> tuple[int, int, int]:
    return tuple(desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                 for table in ("persons", "person_versions", "audit_log"))


def register_many(desk, clerk, start: int = 0, count: int = 400):
    for serial in range(start, start + count):
        number = make_id_number("532923", date(1960, 1, 1) + timedelta(days=serial // 900), 100 + serial % 900)
        persons.register_person(desk, clerk, person_form(number))


def test_a_full_disk_during_a_registration_is_a_chinese_refusal_and_changes_nothing(desk, clerk):
    fill_the_disk(desk)
    before = counts(desk)
    with pytest.raises(DeskError) as caught:
        register_many(desk, clerk)
    error = caught.value
    assert isinstance(error, faults.DatabaseFault) and error.fault.kind == faults.FULL
    assert "磁盘空间已满" in error.message and "腾出空间" in error.message and "没有保存" in error.message
    assert not error.marks_field
    assert counts(desk) >= before  # what was saved before the disk filled stays; the refused one added nothing
    assert desk.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    from desk.services.integrity import check_database

    assert check_database(desk).sound


def test_after_space_is_freed_work_goes_on(desk, clerk):
    fill_the_disk(desk)
    with pytest.raises(faults.DatabaseFault):
        register_many(desk, clerk)
    desk.db.execute("PRAGMA max_page_count = 1073741823")
    register_many(desk, clerk, start=400, count=2)


def test_a_locked_database_during_an_enrolment_is_named_as_busy(desk, clerk, tmp_path):
    record = persons.register_person(desk, clerk, person_form())
    desk.db.execute("PRAGMA busy_timeout = 50")
    other = sqlite3.connect(tmp_path / "desk.db")
    other.execute("BEGIN IMMEDIATE")
    try:
        with pytest.raises(faults.DatabaseFault) as caught:
            enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=desk.today())
    finally:
        other.rollback()
        other.close()
    assert caught.value.fault.kind == faults.LOCKED and "另一个程序占用" in caught.value.message


def test_every_fault_kind_has_its_chinese_business_message():
    for kind, fault in faults.FAULTS.items():
        error = faults.DatabaseFault.of(sqlite3.OperationalError("x"), fault)
        assert "没有保存" in error.message and fault.next_step in error.message, kind


def test_the_error_log_falls_back_when_the_data_directory_cannot_take_it(tmp_path, monkeypatch):
    from desk.ui import errors

    blocked = tmp_path / "data" / "logs"
    blocked.parent.mkdir()
    blocked.write_text("a file where the folder should be")  # the log folder cannot be made: as on a full disk
    fallback = tmp_path / "temp"
    monkeypatch.setattr(errors, "fallback_log_directories", lambda: [fallback])
    errors.set_log_directory(blocked)
    try:
        reference = errors.log_unexpected(RuntimeError("boom"))
    finally:
        errors.set_log_directory(Path(errors.tempfile.gettempdir()) / "desk-logs")
    text = (fallback / errors.LOG_FILE_NAME).read_text(encoding="utf-8")
    assert reference in text and "boom" in text and str(blocked) in text
