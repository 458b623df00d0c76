"""`desk report daily` as a real process: exit 0 with the totals, 1 for a refused login or role, 2 for bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from openpyxl import load_workbook

from desk.services import vouchers
from tests.services.report_scenario import build_day
from tests.vouchers.pdf_helpers import compact, pdf_text


def run(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "desk", "report", "daily", *args], input=stdin, capture_output=True,
                          text=True, encoding="utf-8", timeout=120)


@pytest.fixture
def database(desk, staff, clock):
    build_day(desk, staff, clock)
    return str(desk.path)


def failures(desk, username: str) -> int:
    return desk.db.execute("SELECT failed_attempts FROM operators WHERE username = ?", [username]).fetchone()[0]


def test_the_office_report_with_its_workbook(desk, database, tmp_path):
    pdf, xlsx = tmp_path / "day.pdf", tmp_path / "day.xlsx"
    done = run("2026-03-10", "--out", str(pdf), "--xlsx", str(xlsx), "--db", database, "--user", "review01",
               stdin="Review2026\n")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["scope"] == "全部经办人" and summary["operators"] == 3
    assert summary["totals"]["enrolment"]["net"] == {"count": 2, "individual": "800.00", "subsidy": "0.00", "payable": "800.00"}
    assert summary["totals"]["transfer"]["total"]["pooled_fund"] == "9850.95"
    assert summary["vouchers"]["first"] == "CB-20260310-0001"
    text = compact(pdf_text(pdf.read_bytes()))
    assert summary["number"] in text and summary["chain_head"]["hash"] in text
    assert vouchers.verify(desk, summary["number"], summary["code"]).genuine
    assert vouchers.vouchers_of(desk, "daily_report", 20260310)[0].prints == 1  # the file written is the original
    assert load_workbook(xlsx)["汇总"]["B2"].value == summary["number"]
    assert done.stderr == ""


def test_a_clerk_gets_their_own_day_without_naming_themselves(database, tmp_path):
    done = run("2026-03-10", "--out", str(tmp_path / "own.pdf"), "--db", database, "--user", "clerk01", stdin="Clerk2026\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["scope"] == "李娜（clerk01）"


def test_a_wrong_password_exits_1_and_counts_toward_the_lockout(desk, database, tmp_path):
    before = failures(desk, "review01")
    done = run("2026-03-10", "--out", str(tmp_path / "x.pdf"), "--db", database, "--user", "review01", stdin="Wrong2026\n")
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.count("\n") == 1 and "密码不正确" in done.stderr
    assert failures(desk, "review01") == before + 1
    assert not (tmp_path / "x.pdf").exists()


def test_a_clerk_asking_for_another_operator_exits_1(database, tmp_path):
    done = run("2026-03-10", "--operator", "clerk02", "--out", str(tmp_path / "x.pdf"), "--db", database,
               "--user", "clerk01", stdin="Clerk2026\n")
    assert done.returncode == 1 and "只能打印本人的日报表" in done.stderr and done.stdout == ""


@pytest.mark.parametrize("date, words", [("2026-02-30", "DATE: "), ("10/03/2026", "DATE: "), ("2099-01-01", "DATE: ")])
def test_a_bad_date_exits_2_naming_the_option(database, tmp_path, date, words):
    done = run(date, "--out", str(tmp_path / "x.pdf"), "--db", database, "--user", "review01", stdin="Review2026\n")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith(words) and done.stderr.count("\n") == 1


def test_an_unknown_operator_or_folder_exits_2(database, tmp_path):
    unknown = run("2026-03-10", "--operator", "nobody", "--out", str(tmp_path / "x.pdf"), "--db", database,
                  "--user", "review01", stdin="Review2026\n")
    assert unknown.returncode == 2 and unknown.stderr.startswith("--operator: ")
    folder = run("2026-03-10", "--out", str(tmp_path / "missing" / "x.pdf"), "--db", database, "--user", "review01",
                 stdin="Review2026\n")
    assert folder.returncode == 2 and folder.stderr.startswith("--out: ")
