"""The desk cannot lose or corrupt a record: killed (SIGKILL; TerminateProcess on Windows) at
random moments during a stream of writes, hundreds of times, and two processes writing at once
(operations.md, issue 6)."""

from __future__ import annotations

import os
import random
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from desk.services import operators
from desk.services.context import Desk
from desk.services.integrity import check_database

ROOT = Path(__file__).resolve().parents[2]
KILLS = int(os.environ.get("DESK_KILLS", "200"))


def prepare(path: Path) -> None:
    desk = Desk.open(path, clock=lambda: datetime(2026, 3, 10, 9, 0))
    admin = operators.create_first_administrator(desk, username="admin", display_name="管理员", password="Admin2026")
    operators.create_operator(desk, admin, username="writer", display_name="写入员", role="clerk",
                              temporary_password="Writer2026", require_change=False)
    desk.close()


def start_writer(path: Path, tag: str) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "tests.safety.writer", str(path), tag], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert process.stdout.readline().strip() == "ready", process.stderr.read()
    return process


def whole_or_absent(path: Path, *, every_row: bool = False) -> tuple[int, int]:
    """Every record complete with what its action wrote in the same transaction; the chain sound
    (and, with `every_row`, every row against its seal: once at the end, it reads every row)."""
    desk = Desk.open(path)
    try:
        report = check_database(desk, records=every_row)
        assert report.sound, report.as_json()
        db = desk.db
        orphans = db.execute(
            "SELECT COUNT(*) FROM persons p WHERE NOT EXISTS (SELECT 1 FROM person_versions v WHERE v.person_id = p.id)"
            " OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.record_type = 'person' AND a.record_id = CAST(p.id AS TEXT)"
            " AND a.action = 'person.register')"
        ).fetchone()[0]
        assert orphans == 0
        broken = db.execute(
            "SELECT COUNT(*) FROM enrolments e WHERE (SELECT COUNT(*) FROM vouchers v WHERE v.record_type = 'enrolment'"
            " AND v.record_id = e.id) != 1 OR NOT EXISTS (SELECT 1 FROM audit_log a WHERE a.record_type = 'enrolment'"
            " AND a.record_id = CAST(e.id AS TEXT) AND a.action = 'enrolment.create')"
        ).fetchone()[0]
        assert broken == 0
        vouchers_without_record = db.execute(
            "SELECT COUNT(*) FROM vouchers v WHERE v.record_type = 'enrolment'"
            " AND NOT EXISTS (SELECT 1 FROM enrolments e WHERE e.id = v.record_id)"
        ).fetchone()[0]
        assert vouchers_without_record == 0
        return db.execute("SELECT COUNT(*) FROM persons").fetchone()[0], report.audit_entries_checked
    finally:
        desk.close()


def test_sigkill_at_random_moments_loses_nothing_and_corrupts_nothing(tmp_path):
    path = tmp_path / "desk.db"
    prepare(path)
    rng = random.Random(20261124)
    records, growth = 0, []
    for _ in range(KILLS):
        writer = start_writer(path, "k")
        time.sleep(rng.uniform(0.0, 0.25))
        writer.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        writer.wait()
        after, entries = whole_or_absent(path)
        growth.append(after - records)
        records = after
    whole_or_absent(path, every_row=True)
    print(f"\nkills={KILLS} persons={records} audit_entries={entries} kills_with_new_records={sum(1 for g in growth if g)}")
    assert records > KILLS  # the writes really happened between kills
    assert all(g >= 0 for g in growth)  # nothing committed was ever lost


def test_two_processes_writing_at_once_wait_and_never_corrupt(tmp_path):
    path = tmp_path / "desk.db"
    prepare(path)
    writers = [start_writer(path, tag) for tag in ("甲", "乙")]
    time.sleep(4)
    for writer in writers:
        writer.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
        writer.wait()
        assert "database is locked" not in writer.stderr.read()
    records, _ = whole_or_absent(path, every_row=True)
    desk = Desk.open(path)
    by_tag = dict(desk.db.execute("SELECT name, COUNT(*) FROM persons GROUP BY name").fetchall())
    desk.close()
    print(f"\nconcurrent writers: {by_tag}")
    assert by_tag.get("测试甲", 0) > 5 and by_tag.get("测试乙", 0) > 5 and records == sum(by_tag.values())
