"""Issue 11, item 3: the check before the login is fast enough for any size of file: the kept chain
head and the keyed chain from the last point a full check verified (the whole-file integrity check
follows in the background after the login). A full check by the app moves that point on; the
read-only `desk check` never writes it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from desk.services import persons
from desk.services import startup as support
from desk.services.integrity import start_problems
from desk.services.keys import read_head
from tests.conftest import make_id_number, person_form
from tests.safety.test_tampering import behind_the_back

REPO = Path(__file__).resolve().parents[2]


def register(desk, clerk, count: int, start: int = 0) -> None:
    from datetime import date

    for serial in range(start, start + count):
        persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1 + serial), 100)))


def test_a_full_check_by_the_app_sets_the_verified_point(desk, clerk):
    register(desk, clerk, 3)
    assert desk.verified_file() is not None and not desk.verified_file().exists()
    assert support.database_problems(desk) == []
    point = read_head(desk.verified_file())
    last = desk.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    assert point == tuple(last)


def test_the_start_check_goes_on_from_the_verified_point(desk, clerk):
    register(desk, clerk, 3)
    support.database_problems(desk)
    verified_at = read_head(desk.verified_file())[0]
    register(desk, clerk, 2, start=10)
    assert start_problems(desk) == []
    newer = verified_at + 1
    behind_the_back(desk, f"UPDATE audit_log SET detail_json = '{{}}' WHERE id = {newer}")
    found = start_problems(desk)
    assert any(f"第{newer}条" in problem for problem in found), found
    desk.db.conn.close()
    check = support.check_at_start(desk.path, full_check=False)
    assert not check.sound and any(f"第{newer}条" in problem for problem in check.problems)


def test_an_entry_rewritten_at_or_before_the_verified_point_is_named_at_start(desk, clerk):
    register(desk, clerk, 3)
    support.database_problems(desk)
    verified_at = read_head(desk.verified_file())[0]
    behind_the_back(desk, f"UPDATE audit_log SET hash = 'forged' WHERE id = {verified_at}")
    found = start_problems(desk)
    assert any("上次完整检查" in problem for problem in found), found


def test_older_entries_are_left_to_the_full_check_in_the_background(desk, clerk):
    register(desk, clerk, 3)
    support.database_problems(desk)
    behind_the_back(desk, "UPDATE audit_log SET detail_json = '{}' WHERE id = 2")  # before the verified point
    assert start_problems(desk) == []  # not re-read before the login ...
    assert any("第2条" in problem for problem in support.database_problems(desk))  # ... but by the full check


def test_the_read_only_check_never_writes_the_verified_point(desk, clerk):
    register(desk, clerk, 2)
    path = desk.path
    desk.close()
    done = subprocess.run([sys.executable, "-m", "desk", "check", "--db", str(path)], capture_output=True, text=True,
                          cwd=REPO, timeout=120)
    assert done.returncode == 0, done
    assert not list((path.parent / "keys").glob("*.verified"))


def test_a_file_damaged_where_the_schema_lies_is_refused_and_can_be_restored(tmp_path):
    """The schema's pages (found with dbstat, not at a fixed offset) overwritten: the start check
    refuses the file as damaged, and no connection of that failed open keeps the file locked, so the
    restore goes through (it said 数据库正被其他程序使用 and the damaged-database dialog stayed open)."""
    import sqlite3
    from datetime import datetime

    from desk.services import backup, operators
    from desk.services import restore as restoring
    from desk.services.context import Desk

    path = tmp_path / "desk.db"
    desk = Desk.open(path, clock=lambda: datetime(2026, 3, 10, 9, 0))
    admin = operators.create_first_administrator(desk, username="admin", display_name="王管理", password="Passw0rd!")
    taken = backup.backup(desk, admin)
    desk.close()
    reader = sqlite3.connect(path)
    page_size = reader.execute("PRAGMA page_size").fetchone()[0]
    try:
        pages = [row[0] for row in reader.execute("SELECT pageno FROM dbstat WHERE name = 'sqlite_schema' AND pageno > 1")]
    except sqlite3.OperationalError:  # the Windows release's SQLite is built without dbstat; Linux runs it
        reader.close()
        pytest.skip("this SQLite has no dbstat table to find the schema's pages with")
    reader.close()
    assert pages, "the schema fits on page 1: damage would not reach a schema page"
    with open(path, "r+b") as handle:
        for page in pages:
            handle.seek((page - 1) * page_size)
            handle.write(b"\xa5" * page_size)
    check = support.check_at_start(path, full_check=True)
    assert not check.sound and check.fault.kind == "corrupt" and "已损坏" in check.problems[0]
    result = restoring.restore_database(path, taken.path, operator=admin)
    assert result.aside is not None and result.aside.exists()
    again = support.check_at_start(path, full_check=True)
    assert again.sound, again.problems
    again.desk.close()
