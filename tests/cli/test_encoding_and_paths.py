"""The command line on a Windows counter PC: UTF-8 out and in whatever the console code page,
and databases in folders whose names have spaces and Chinese characters."""

import json
import os
import subprocess
import sys
from datetime import date

from desk.core.idnumber import make_id_number


def run_under(encoding: str, *args, stdin: bytes = b"") -> subprocess.CompletedProcess:
    """The CLI as a process whose Python would pick `encoding` for its pipes (as a Windows console
    code page does: GBK on a Chinese Windows, cp1252 on a western one). Output stays bytes."""
    env = {**os.environ, "PYTHONIOENCODING": encoding}
    return subprocess.run([sys.executable, "-m", "desk", *args], input=stdin, capture_output=True, env=env, timeout=120)


def test_stdout_is_utf8_under_cp1252():
    done = run_under("cp1252", "idcard", "11010519491231002x")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    result = json.loads(done.stdout.decode("utf-8"))
    assert (result["sex"], result["region_name"]) == ("女", "北京市朝阳区")


def test_stdout_is_utf8_under_gbk():
    done = run_under("gbk", "idcard", "532901199001011231")
    assert done.returncode == 1
    assert "校验位" in json.loads(done.stdout.decode("utf-8"))["reason"]


def test_stderr_is_utf8_under_cp1252():
    done = run_under("cp1252", "workdays", "2026-13-01", "5")
    assert done.returncode == 2 and done.stdout == b""
    message = done.stderr.decode("utf-8")
    assert message.startswith("start: ") and "起始日期" in message and "Traceback" not in message


QUOTE = {
    "pack": "dali-resident-2025", "year": 2026, "id_number": make_id_number("532901", date(1990, 1, 1), 123),
    "groups": [], "paid_on": "2026-03-10", "last_enrolled_year": 2025, "newborn": False,
    "employee_ended_on": None, "arrears_years": 0,
}


def utf8_json(value) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def test_stdin_json_is_read_as_utf8_even_with_a_bom():
    done = run_under("cp1252", "quote", "-", stdin=b"\xef\xbb\xbf" + utf8_json(QUOTE))
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert json.loads(done.stdout.decode("utf-8"))["payable"] == "400.00"


def test_stdin_chinese_reaches_the_error_message_intact():
    done = run_under("cp1252", "quote", "-", stdin=utf8_json(dict(QUOTE, pack="大理州2099")))
    assert done.returncode == 2
    assert "大理州2099" in done.stderr.decode("utf-8")


def test_demo_and_check_in_a_folder_with_spaces_and_chinese(tmp_path):
    db = tmp_path / "数据 目录" / "desk.db"
    done = run_under("cp1252", "demo", "--no-gui", "--db", str(db), "--persons", "10")
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")
    assert f"演示数据库：{db}" in done.stdout.decode("utf-8")
    assert db.is_file()
    checked = run_under("cp1252", "check", "--db", str(db))
    assert checked.returncode == 0, checked.stderr.decode("utf-8", "replace")
    assert json.loads(checked.stdout.decode("utf-8"))["sound"] is True
    backed_up = run_under("cp1252", "backup", "--db", str(db))
    assert backed_up.returncode == 0, backed_up.stderr.decode("utf-8", "replace")
    assert json.loads(backed_up.stdout.decode("utf-8"))["backup"].startswith(str(db.parent))
