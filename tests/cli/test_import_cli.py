"""`desk import template` and `desk import enrolments` as real processes: JSON, exit 0 / 1 / 2, the report read back."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import load_workbook

from tests.import_files import resident, write_list

REPO = Path(__file__).resolve().parents[2]
# the commands run on the real clock: the list pays in 2026 (benefit year 2026), a day before today's test machine
PAID = "2026-03-01"


def run(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "desk", "import", *args], input=stdin, capture_output=True, text=True,
                          encoding="utf-8", timeout=300, cwd=REPO, env={**os.environ, "PYTHONPATH": str(REPO)})


def rows_of(path: Path) -> list[tuple]:
    return list(load_workbook(path).active.iter_rows(values_only=True))


def test_import_enrolments_prints_the_summary_and_writes_the_report(desk, staff, tmp_path):
    listing = write_list(tmp_path / "名单.xlsx", [resident(0, 缴费日期=PAID), None, resident(1, 缴费日期=PAID),
                                                 resident(2, 证件号码=532923198001011234, 缴费日期=PAID)])
    report = tmp_path / "结果.xlsx"
    done = run("enrolments", str(listing), "--user", "clerk01", "--report", str(report), "--db", str(desk.path),
               stdin="Clerk2026\n")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == {"rows": 3, "enrolled": 2, "existing": 0, "refused": 1}
    rows = rows_of(report)
    assert rows[0][-2:] == ("结果", "说明")
    assert [row[-2] for row in rows[1:]] == ["已参保", None, "已参保", "未导入"]
    assert "文本" in rows[4][-1]
    again = run("enrolments", str(listing), "--user", "clerk01", "--report", str(report), "--db", str(desk.path),
                stdin="Clerk2026\n")
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout) == {"rows": 3, "enrolled": 0, "existing": 2, "refused": 1}
    assert [row[-2] for row in rows_of(report)[1:]] == ["已存在", None, "已存在", "未导入"]


def test_a_file_that_cannot_be_used_exits_2_naming_what_is_wrong(desk, staff, tmp_path):
    not_excel = tmp_path / "名单.xlsx"
    not_excel.write_text("姓名,证件号码\n", encoding="utf-8")
    wrong = write_list(tmp_path / "列不对.xlsx", [resident(0)], header=("姓名", "身份证号", "待遇年度", "缴费日期"))
    for path, expected in ((not_excel, "不是 Excel 工作簿"), (wrong, "缺少必需的列：证件号码")):
        done = run("enrolments", str(path), "--user", "clerk01", "--report", str(tmp_path / "r.xlsx"),
                   "--db", str(desk.path), stdin="Clerk2026\n")
        assert done.returncode == 2 and expected in done.stderr and "Traceback" not in done.stderr, done.stderr
        assert done.stdout == ""
    missing_folder = run("enrolments", str(wrong), "--user", "clerk01", "--report", str(tmp_path / "无" / "r.xlsx"),
                         "--db", str(desk.path), stdin="Clerk2026\n")
    assert missing_folder.returncode == 2 and "--report" in missing_folder.stderr
    listed = write_list(tmp_path / "名单2.xlsx", [resident(0, 缴费日期=PAID)])
    before = listed.read_bytes()
    same = run("enrolments", str(listed), "--user", "clerk01", "--report", str(tmp_path / "." / "名单2.xlsx"),
               "--db", str(desk.path), stdin="Clerk2026\n")
    assert same.returncode == 2 and "不能保存为名单文件本身" in same.stderr and same.stdout == ""
    assert listed.read_bytes() == before
    assert desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0] == 0


def test_a_wrong_password_or_an_administrator_exits_1(desk, staff, tmp_path):
    listing = write_list(tmp_path / "名单.xlsx", [resident(0, 缴费日期=PAID)])
    for user, password in (("clerk01", "wrong"), ("admin", "Admin2026")):
        done = run("enrolments", str(listing), "--user", user, "--report", str(tmp_path / "r.xlsx"),
                   "--db", str(desk.path), stdin=password + "\n")
        assert done.returncode == 1 and done.stderr.strip() and "Traceback" not in done.stderr, done.stderr
    assert not (tmp_path / "r.xlsx").exists()
    assert desk.db.execute("SELECT COUNT(*) FROM enrolments").fetchone()[0] == 0


def test_the_template_command(desk, tmp_path):
    done = run("template", str(tmp_path / "模板.xlsx"), "--db", str(desk.path))
    assert done.returncode == 0, done.stderr
    book = load_workbook(tmp_path / "模板.xlsx")
    assert book.sheetnames == ["参保名单", "填写说明", "资助类别"] and book["参保名单"]["A1"].value == "姓名"
    assert run("template", str(tmp_path / "无" / "模板.xlsx")).returncode == 2
    (tmp_path / "文件夹.xlsx").mkdir()
    into_folder = run("template", str(tmp_path / "文件夹.xlsx"), "--db", str(desk.path))
    assert into_folder.returncode == 2 and "是一个文件夹" in into_folder.stderr and "数据库" not in into_folder.stderr
    if Path("/proc/self").is_dir():  # a folder nobody can write a file into, even an administrator (Linux)
        blocked = run("template", "/proc/模板.xlsx", "--db", str(desk.path))
        assert blocked.returncode == 2 and "无法写入" in blocked.stderr and "数据库" not in blocked.stderr, blocked.stderr
