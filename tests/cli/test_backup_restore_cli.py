"""Issue 11, items 5 and 6 on the command line: `desk backup` says one Chinese line on failure;
`desk restore FILE --user NAME` by an administrator only, password on standard input."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desk.services import operators
from desk.services.context import Desk


def run(*args, stdin: str = "") -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run([sys.executable, "-m", "desk.cli", *args], input=stdin, capture_output=True, text=True,
                          env=env, timeout=120)


@pytest.fixture
def database(tmp_path):
    path = tmp_path / "desk.db"
    desk = Desk.open(path)
    operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    admin = operators.authenticate(desk, username="admin", password="Admin2026")
    operators.create_operator(desk, admin, username="clerk01", display_name="李娜", role="clerk",
                              temporary_password="Clerk2026", require_change=False)
    desk.close()
    return path


def test_backup_prints_json_and_restore_needs_the_administrators_password(database):
    made = run("backup", "--db", str(database))
    assert made.returncode == 0, made.stderr
    taken = Path(json.loads(made.stdout)["backup"])
    before = database.read_bytes()
    wrong = run("restore", str(taken), "--user", "admin", "--db", str(database), stdin="wrong-pass1\n")
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr and wrong.stderr.strip()
    clerk = run("restore", str(taken), "--user", "clerk01", "--db", str(database), stdin="Clerk2026\n")
    assert clerk.returncode == 1 and "权限" in clerk.stderr
    assert not list(database.parent.glob("*before-restore*"))
    done = run("restore", str(taken), "--user", "admin", "--db", str(database), stdin="Admin2026\n")
    assert done.returncode == 0, done.stderr
    kept = Path(json.loads(done.stdout)["previous_file_kept_at"])
    assert kept.exists() and kept.stat().st_size >= len(before) // 2


def test_restore_refuses_an_empty_file_and_nothing_changes(database):
    empty = database.parent / "backups" / "desk-backup-20260310-093000.db"
    empty.parent.mkdir()
    empty.write_bytes(b"")
    refused = run("restore", str(empty), "--user", "admin", "--db", str(database), stdin="Admin2026\n")
    assert refused.returncode == 1 and "空的" in refused.stderr and "Traceback" not in refused.stderr
    assert not list(database.parent.glob("*before-restore*"))


def test_a_failed_backup_is_one_chinese_line_and_exit_1(database):
    folder = database.parent / "backups"
    folder.write_text("not a folder")  # the backups folder cannot be made
    failed = run("backup", "--db", str(database))
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert len(failed.stderr.strip().splitlines()) == 1 and "备份没有完成" in failed.stderr
    desk = Desk.open(database)
    audited = desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'backup.create'").fetchone()[0]
    desk.close()
    assert audited == 0


def test_restore_of_a_damaged_current_file_checks_the_password_against_the_backup(database):
    made = run("backup", "--db", str(database))
    taken = Path(json.loads(made.stdout)["backup"])
    for extra in (Path(f"{database}-wal"), Path(f"{database}-shm")):
        extra.unlink(missing_ok=True)
    database.write_bytes(b"\0" * 8192)  # damaged beyond opening
    wrong = run("restore", str(taken), "--user", "admin", "--db", str(database), stdin="Clerk2026\n")
    assert wrong.returncode == 1 and database.read_bytes() == b"\0" * 8192
    done = run("restore", str(taken), "--user", "admin", "--db", str(database), stdin="Admin2026\n")
    assert done.returncode == 0, done.stderr
    assert Path(json.loads(done.stdout)["previous_file_kept_at"]).read_bytes() == b"\0" * 8192
