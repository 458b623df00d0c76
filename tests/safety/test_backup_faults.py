"""Issue 11, item 5 under faults: a backup killed at random moments never leaves a file that start-up
or restore would use (DESK_BACKUP_KILLS raises the count from 40, e.g. 300 for a deep run), and a
full disk during a backup leaves no file, no audit entry and a sound database."""

from __future__ import annotations

import os
import random
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from desk.services import backup, operators
from desk.services.context import Desk

KILLS = int(os.environ.get("DESK_BACKUP_KILLS", "40"))
REPO = Path(__file__).resolve().parents[2]
BACKING_UP = (
    "import sys\n"
    "from desk.services import backup\n"
    "from desk.services.context import Desk\n"
    "desk = Desk.open(sys.argv[1])\n"
    "print('ready', flush=True)\n"
    "while True:\n"
    "    backup.backup(desk, None, reason='kill-test')\n"
)


@pytest.fixture
def office(tmp_path):
    return make_office(tmp_path / "desk.db")


def make_office(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    desk = Desk.open(path)
    operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    desk.db.execute("CREATE TABLE filler (x BLOB)")
    desk.db.execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 400)"
                    " INSERT INTO filler SELECT randomblob(20000) FROM n")  # 8 MB: a copy takes a while
    desk.db.conn.commit()
    desk.close()
    return path


def whole(path: Path) -> bool:
    connection = sqlite3.connect(backup.read_only_uri(path), uri=True)
    try:
        return (connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
                and connection.execute("SELECT COUNT(*) FROM operators").fetchone()[0] == 1
                and connection.execute("SELECT COUNT(*) FROM filler").fetchone()[0] == 400)
    finally:
        connection.close()


def one_backup_seconds(scratch: Path) -> float:
    """How long one backup of such an office takes on this machine (another office, so that the tested one's
    backup folder starts empty): the kills are spread over a few times that, under Wine as on Linux."""
    desk = Desk.open(make_office(scratch / "desk.db"))
    try:
        started = time.perf_counter()
        backup.backup(desk, None, reason="calibrate")
        return time.perf_counter() - started
    finally:
        desk.close()


def test_a_backup_killed_at_random_moments_never_leaves_a_usable_bad_file(office, tmp_path):
    rng = random.Random(int(os.environ.get("DESK_BACKUP_SEED", "11")))
    spread = max(0.25, 2.5 * one_backup_seconds(tmp_path / "calibration"))
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    folder = backup.backups_dir(office)
    judged = 0
    for _ in range(KILLS):
        process = subprocess.Popen([sys.executable, "-c", BACKING_UP, str(office)], stdout=subprocess.PIPE,
                                   text=True, env=env, cwd=REPO)
        assert process.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0, spread))
        assert process.poll() is None, "the backing-up process stopped by itself (a backup failed)"
        process.kill()
        process.wait(10)
        process.stdout.close()
        for item in backup.list_backups(office):
            if backup.backup_problem(item.path) is None:
                assert whole(item.path), f"{item.path.name} passes as good but is not whole"
                judged += 1
        newest = backup.newest_good_backup(office)
        assert newest is None or whole(newest.path)
        leftovers = [p for p in folder.glob("*") if p.name.endswith(".db") and backup.parse_name(p.name) is None]
        assert not leftovers, leftovers
    assert judged > 0
    assert backup.newest_good_backup(office) is not None


def test_a_full_disk_during_a_backup(office, monkeypatch):
    desk = Desk.open(office)
    original = backup._open_target

    def small(path):
        target = original(path)
        target.execute("PRAGMA max_page_count = 100")  # the backup stops half-way, as on a full disk
        return target

    monkeypatch.setattr(backup, "_open_target", small)
    try:
        with pytest.raises(backup.BackupError) as caught:
            backup.backup(desk, None)
        assert "磁盘空间" in caught.value.message and "腾出空间" in caught.value.message
        assert not any(backup.backups_dir(office).iterdir())
        assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.create'").fetchone()[0] == 0
        assert desk.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        desk.close()


def test_a_restore_under_a_running_writer_is_refused_and_loses_nothing(tmp_path):
    from desk.services import restore as restoring
    from tests.safety.test_crash_safety import prepare, start_writer

    path = tmp_path / "desk.db"
    prepare(path)
    desk = Desk.open(path)
    admin = operators.authenticate(desk, username="admin", password="Admin2026")
    taken = backup.backup(desk, admin)
    desk.close()
    writer = start_writer(path, "甲")
    try:
        time.sleep(0.3)
        with pytest.raises(restoring.DatabaseInUse):
            restoring.restore_database(path, taken.path, operator=admin)
        counted = persons_in(path)
        time.sleep(0.3)
        later = persons_in(path)
    finally:
        writer.kill()
        writer.wait(10)
    assert later > counted > 0  # the writer went on, into the real file
    assert not list(tmp_path.glob("*before-restore*"))
    restoring.restore_database(path, taken.path, operator=admin)  # once it is gone, the restore is had
    aside = next(tmp_path.glob("*before-restore*.db"))
    assert persons_in(aside) >= later  # everything the writer committed is in the kept-aside file


def persons_in(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return connection.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    finally:
        connection.close()
