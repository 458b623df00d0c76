"""`desk standard set/list` and `desk quote --db` as real processes."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from desk.core.idnumber import make_id_number
from desk.services import operators
from desk.services.context import Desk

PACK = "dali-resident-2025"


def run(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "desk", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=120)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "desk.db"
    desk = Desk.open(path)
    admin = operators.create_first_administrator(desk, username="admin", display_name="赵管理", password="Admin2026")
    operators.create_operator(desk, admin, username="clerk01", display_name="李娜", role="clerk",
                              temporary_password="Clerk2026", require_change=False)
    desk.close()
    return path


def failures(path, username):
    desk = Desk.open(path)
    try:
        return desk.db.execute("SELECT failed_attempts FROM operators WHERE username = ?", [username]).fetchone()[0]
    finally:
        desk.close()


def entries(path):
    desk = Desk.open(path)
    try:
        return desk.db.execute("SELECT COUNT(*) FROM annual_standards").fetchone()[0]
    finally:
        desk.close()


QUOTE = {"pack": PACK, "year": 2027, "id_number": make_id_number("532923", date(1985, 6, 1), 452),
         "paid_on": "2026-11-02", "groups": ["dibao"], "last_enrolled_year": 2026}


def test_set_then_quote_with_the_database(db, tmp_path):
    done = run("standard", "set", PACK, "2027", "--individual", "420.00", "--subsidy", "dibao=150.00",
               "--document", "云医保〔2026〕88号", "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 0, done.stderr
    now = json.loads(done.stdout)
    assert now["year"] == 2027 and now["individual"] == {
        "code": "individual", "name": "个人缴费标准", "amount": "420.00", "source": "云医保〔2026〕88号",
        "status": "confirmed"}
    request = tmp_path / "quote.json"
    request.write_text(json.dumps(QUOTE), encoding="utf-8")
    with_db = run("quote", str(request), "--db", str(db))
    assert with_db.returncode == 0, with_db.stderr
    assert json.loads(with_db.stdout)["payable"] == "270.00"  # 420.00 - 150.00
    bundled = run("quote", str(request))  # the bundled packs alone: 2027 has no standard
    assert bundled.returncode == 2 and bundled.stderr.startswith("year:") and "尚未录入" in bundled.stderr

    listed = json.loads(run("standard", "list", PACK, "--db", str(db)).stdout)
    assert [y["year"] for y in listed["years"]] == [2025, 2026, 2027]
    assert [e["individual"] for e in listed["entries"]] == ["420.00"] and listed["entries"][0]["entered_by"] == "赵管理"
    bundled_list = json.loads(run("standard", "list", PACK).stdout)
    assert [y["year"] for y in bundled_list["years"]] == [2025, 2026] and bundled_list["entries"] == []


def test_a_clerk_or_a_wrong_password_exit_1_nothing_written_and_counted(db):
    clerk = run("standard", "set", PACK, "2027", "--individual", "420.00", "--user", "clerk01", "--db", str(db),
                stdin="Clerk2026\n")
    assert clerk.returncode == 1 and "没有“维护政策包”的权限" in clerk.stderr and clerk.stderr.count("\n") == 1
    wrong = run("standard", "set", PACK, "2027", "--individual", "420.00", "--user", "admin", "--db", str(db),
                stdin="not-it\n")
    assert wrong.returncode == 1 and "用户名或密码不正确" in wrong.stderr and wrong.stderr.count("\n") == 1
    assert failures(db, "admin") == 1
    assert entries(db) == 0


@pytest.mark.parametrize("args, option", [
    (("--individual", "-5"), "--individual"),
    (("--individual", "420.005"), "--individual"),
    (("--individual", "420.00", "--subsidy", "nobody=1.00"), "--subsidy"),
    (("--individual", "420.00", "--subsidy", "dibao"), "--subsidy"),
])
def test_bad_values_exit_2_with_one_line_naming_the_option(db, args, option):
    done = run("standard", "set", PACK, "2027", *args, "--user", "admin", "--db", str(db), stdin="Admin2026\n")
    assert done.returncode == 2 and done.stderr.startswith(option) and done.stderr.count("\n") == 1
    assert entries(db) == 0


def test_unknown_pack_and_early_year_exit_2(db):
    unknown = run("standard", "set", "nowhere", "2027", "--individual", "420.00", "--user", "admin", "--db", str(db),
                  stdin="Admin2026\n")
    assert unknown.returncode == 2 and unknown.stderr.startswith("PACK") and "nowhere" in unknown.stderr
    early = run("standard", "set", PACK, "2020", "--individual", "420.00", "--user", "admin", "--db", str(db),
                stdin="Admin2026\n")
    assert early.returncode == 2 and early.stderr.startswith("YEAR") and "早于" in early.stderr
