import sqlite3
from datetime import timedelta

import pytest

from desk.core.errors import PermissionDenied
from desk.services import backup, persons
from desk.services import restore as restoring
from desk.services.context import Desk
from tests.conftest import person_form

TABLES = ("persons", "person_versions", "enrolments", "audit_log", "vouchers", "operators", "settings")


def snapshot(path) -> dict:
    connection = sqlite3.connect(path)
    try:
        return {table: connection.execute(f"SELECT * FROM {table} ORDER BY rowid").fetchall() for table in TABLES}
    finally:
        connection.close()


def test_a_restore_brings_back_the_last_backup_exactly(desk, staff, clerk, clock):
    persons.register_person(desk, clerk, person_form())
    taken = backup.backup(desk, staff["admin"])
    expected = snapshot(taken.path)
    persons.register_person(desk, clerk, person_form("532901199001011230", name="后来的人"))  # after the backup
    path = desk.path
    desk.close()
    aside = restoring.restore(path, taken.path, operator=staff["admin"])
    restored = snapshot(path)
    assert restored["audit_log"][:-1] == expected["audit_log"] and restored["audit_log"][-1][5] == "backup.restore"
    assert {k: v for k, v in restored.items() if k != "audit_log"} == {k: v for k, v in expected.items() if k != "audit_log"}
    assert len(snapshot(aside)["persons"]) == 2  # the file before the restore is kept aside
    reopened = Desk.open(path, clock=clock)
    from desk.services.integrity import check_database

    assert check_database(reopened).sound
    reopened.close()


def test_only_an_administrator_backs_up_and_hourly_ones_are_pruned_to_the_day(desk, staff, clock):
    with pytest.raises(PermissionDenied):
        backup.backup(desk, staff["clerk"])
    for _ in range(32):
        backup.backup(desk, staff["admin"])
        clock.moment += timedelta(hours=1)
    kept = backup.list_backups(desk.path)
    days = {item.taken_at.date() for item in kept}
    assert len(kept) == 3 + len(days) - 1 and kept[0].taken_at > kept[-1].taken_at  # 3 newest + newest of each other day
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.create'").fetchone()[0] == 32


def test_a_damaged_backup_is_refused_and_the_newest_good_one_offered(desk, staff, clock):
    good = backup.backup(desk, staff["admin"])
    clock.moment += timedelta(hours=1)
    bad = backup.backup(desk, staff["admin"])
    with open(bad.path, "r+b") as handle:
        handle.seek(4096)
        handle.write(b"\xff" * 8192)
    assert not backup.file_is_sound(bad.path)
    with pytest.raises(backup.BackupError, match="已损坏"):
        restoring.restore(desk.path, bad.path)
    assert backup.newest_good_backup(desk.path).path == good.path


def test_daily_backup_is_due_once_a_day(desk, staff, clock):
    assert backup.daily_backup_due(desk)
    backup.backup(desk, None, reason="daily")
    assert not backup.daily_backup_due(desk)
    clock.moment += timedelta(days=1)
    assert backup.daily_backup_due(desk)


def test_backup_and_restore_in_a_folder_whose_name_is_no_plain_uri(tmp_path, clock):
    """Spaces, Chinese, "#" and "%" in the folder name (all allowed on Windows too)."""
    from desk.services import operators

    folder = tmp_path / "数据 目录 #2 100%"
    folder.mkdir()
    desk = Desk.open(folder / "desk.db", clock=clock)
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    taken = backup.backup(desk, admin)
    assert backup.file_is_sound(taken.path)
    path = desk.path
    desk.close()
    restoring.restore(path, taken.path)
    assert len(snapshot(path)["operators"]) == 1
    assert [entry.name for entry in tmp_path.iterdir()] == [folder.name]  # no stray database beside it


@pytest.mark.parametrize("posix, uri", [
    ("/home/李娜/数据 目录/x.db", "file:///home/%E6%9D%8E%E5%A8%9C/%E6%95%B0%E6%8D%AE%20%E7%9B%AE%E5%BD%95/x.db"),
    ("C:/Users/clerk/#2 100%/x.db", "file:///C:/Users/clerk/%232%20100%25/x.db"),  # a Windows drive path
    ("//server/share/desk.db", "file:////server/share/desk.db"),  # a UNC path: empty authority
])
def test_sqlite_uris_of_paths(posix, uri):
    assert backup.uri_of_posix_path(posix) == uri
