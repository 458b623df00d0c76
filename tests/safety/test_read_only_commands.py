"""Issue 11, items 3 and 9: read-only commands (`check`, `verify`, `workdays --db`, `quote --db`,
`standard list`) open the database read-only and never migrate; somebody else's SQLite file is
refused and left byte for byte as it was (by those commands and by the app itself); a damaged file
gives `desk check` its JSON and exit 1, never a traceback."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from desk.services import operators
from desk.services.context import Desk
from desk.store.db import NotDeskDatabase, connect
from desk.store.migrations import migrations

REPO = Path(__file__).resolve().parents[2]


def desk_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "desk", *args], capture_output=True, text=True, input=stdin,
                          cwd=REPO, timeout=120)


def fingerprint(folder: Path) -> dict[str, str]:
    """Every file of the folder (database, its write-ahead log, keys/, the head) and its content. A
    read-only SQLite connection to a WAL database may leave an empty -wal and the -shm index behind
    (SQLite's own shared memory, no data): those are not counted."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*"))
            if p.is_file() and not p.name.endswith("-shm") and not (p.name.endswith("-wal") and not p.stat().st_size)}


@pytest.fixture
def foreign(tmp_path) -> Path:
    path = tmp_path / "accounts.db"
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE ledger (who TEXT, amount INTEGER)")
    connection.execute("INSERT INTO ledger VALUES ('someone', 42)")
    connection.commit()
    connection.close()
    return path


@pytest.fixture
def office(tmp_path) -> Path:
    path = tmp_path / "office" / "desk.db"
    path.parent.mkdir()
    desk = Desk.open(path)
    operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    desk.close()
    return path


READ_ONLY_COMMANDS = (
    ("check", "--db", "{db}"),
    ("verify", "--db", "{db}", "JS-20261201-0001", "ABCD-EFGH"),
    ("workdays", "--db", "{db}", "2026-12-01", "3"),
    ("standard", "list", "dali-resident-2025", "--db", "{db}"),
)


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=lambda c: c[0])
def test_a_foreign_sqlite_file_is_refused_and_left_untouched(foreign, command):
    before = fingerprint(foreign.parent)
    result = desk_cli(*(part.format(db=foreign) for part in command))
    assert result.returncode == 2, result
    assert "不是 desk 的数据库" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(foreign.parent) == before


def test_the_app_itself_refuses_a_foreign_file_before_touching_it(foreign):
    before = fingerprint(foreign.parent)
    with pytest.raises(NotDeskDatabase, match="不是 desk 的数据库"):
        connect(foreign)
    with pytest.raises(NotDeskDatabase):
        Desk.open(foreign)
    assert fingerprint(foreign.parent) == before  # not even switched to WAL mode


@pytest.mark.parametrize("command", READ_ONLY_COMMANDS, ids=lambda c: c[0])
def test_read_only_commands_change_nothing_in_a_desk_database(office, command):
    before = fingerprint(office.parent)
    result = desk_cli(*(part.format(db=office) for part in command))
    assert "Traceback" not in result.stderr, result.stderr
    assert result.returncode in (0, 1), result
    assert fingerprint(office.parent) == before


def test_check_never_migrates_an_older_database(tmp_path):
    path = tmp_path / "older.db"
    db = connect(path, migrate=False)
    migrations.apply(db, stop_before="m006_annual_standards")
    db.conn.close()
    before = fingerprint(tmp_path)
    result = desk_cli("check", "--db", str(path))
    assert result.returncode == 2 and "较早版本" in result.stderr and "m006_annual_standards" in result.stderr
    assert fingerprint(tmp_path) == before
    assert "annual_standards" not in sqlite3.connect(path).execute(
        "SELECT group_concat(name) FROM sqlite_master").fetchone()[0]


def test_check_on_a_damaged_file_gives_json_and_exit_1(tmp_path):
    junk = tmp_path / "desk.db"
    junk.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 40)
    result = desk_cli("check", "--db", str(junk))
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert report["sound"] is False and "无法读取" in report["database"]


def test_check_on_a_file_damaged_inside_gives_json_and_exit_1(office):
    desk = Desk.open(office)
    desk.db.conn.commit()
    desk.db.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    desk.close()
    data = bytearray(office.read_bytes())
    page = 4096
    for offset in range(2 * page, len(data), page):  # every page after the schema page garbled
        data[offset:offset + 64] = b"\xff" * 64
    office.write_bytes(bytes(data))
    result = desk_cli("check", "--db", str(office))
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert json.loads(result.stdout)["sound"] is False


def test_a_read_only_desk_refuses_to_write(office):
    desk = Desk.open_read_only(office)
    try:
        with pytest.raises(Exception, match="只读"), desk.transaction():
            pass
    finally:
        desk.close()


def test_a_database_of_a_newer_desk_is_refused_by_the_app_and_left_untouched(office):
    """An old portable copy pointed at the data folder must not write with old code into a newer schema."""
    connection = sqlite3.connect(office)
    connection.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('desk', 'm999_future', '2027')")
    connection.commit()
    connection.close()
    before = fingerprint(office.parent)
    with pytest.raises(NotDeskDatabase, match="较新版本"):
        Desk.open(office)
    result = desk_cli("backup", "--db", str(office))
    assert result.returncode == 1 and "较新版本" in result.stderr and "Traceback" not in result.stderr
    assert fingerprint(office.parent) == before


DROP_WRITE_OVERRIDE = ["setpriv", "--bounding-set=-dac_override,-dac_read_search,-fowner",
                       "--inh-caps=-dac_override,-dac_read_search,-fowner"]


@pytest.mark.skipif(sys.platform == "win32" or not shutil.which("setpriv"), reason="needs Linux setpriv")
def test_check_reads_a_database_in_a_folder_it_cannot_write(office, tmp_path):
    """Found by an attack: a cleanly closed WAL database in a read-only folder (no -shm, no -wal) could
    not be read, since SQLite could not create the -shm index; it is then read as an unchanging file."""
    folder = office.parent
    for path in [*folder.rglob("*"), folder]:
        path.chmod(path.stat().st_mode & ~0o222)
    try:
        probe = subprocess.run([*DROP_WRITE_OVERRIDE, "touch", str(folder / "probe")], capture_output=True)
        if probe.returncode == 0:
            pytest.skip("this user can write the folder anyway")
        done = subprocess.run([*DROP_WRITE_OVERRIDE, sys.executable, "-m", "desk", "check", "--db", str(office)],
                              capture_output=True, text=True, cwd=REPO, timeout=120)
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(path.stat().st_mode | 0o200)
    assert done.returncode == 0, done
    assert json.loads(done.stdout)["sound"] is True
