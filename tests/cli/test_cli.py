"""The command-line contracts, run as a real process where stdout/stderr/exit status matter."""

import json
import subprocess
import sys
from datetime import date

import pytest

from desk.core.idnumber import make_id_number


def run(*args, stdin: str | None = None):
    return subprocess.run(
        [sys.executable, "-m", "desk", *args], input=stdin, capture_output=True, text=True, encoding="utf-8", timeout=120
    )


def test_idcard_valid():
    done = run("idcard", "11010519491231002x")
    assert done.returncode == 0
    assert json.loads(done.stdout) == {
        "valid": True,
        "id_number": "11010519491231002X",
        "birth_date": "1949-12-31",
        "sex": "女",
        "region_code": "110105",
        "region_name": "北京市朝阳区",
    }


def test_idcard_invalid_says_why():
    done = run("idcard", "532901199001011231")
    assert done.returncode == 1
    result = json.loads(done.stdout)
    assert result["valid"] is False and "校验位" in result["reason"]
    assert "Traceback" not in done.stderr


QUOTE_INPUT = {
    "pack": "dali-resident-2025", "year": 2026, "id_number": make_id_number("532901", date(1990, 1, 1), 123),
    "groups": ["dibao"], "paid_on": "2026-03-10", "last_enrolled_year": 2025, "newborn": False,
    "employee_ended_on": None, "arrears_years": 0,
}


def test_quote_contract_from_stdin():
    done = run("quote", "-", stdin=json.dumps(QUOTE_INPUT))
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert set(result) == {"individual", "subsidy", "subsidy_group", "payable", "benefit_start", "waiting_months", "reason", "provisional"}
    assert (result["individual"], result["subsidy"], result["subsidy_group"], result["payable"]) == ("400.00", "120.00", "dibao", "280.00")
    assert (result["benefit_start"], result["waiting_months"]) == ("2026-03-10", 0)
    assert result["provisional"] == ["contribution", "subsidies"]


def test_quote_from_a_file_without_groups(tmp_path):
    data = dict(QUOTE_INPUT, groups=[], paid_on="2026-03-10")
    path = tmp_path / "in.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = json.loads(run("quote", str(path)).stdout)
    assert (result["subsidy"], result["subsidy_group"], result["payable"]) == ("0.00", None, "400.00")
    assert (result["benefit_start"], result["waiting_months"]) == ("2026-06-10", 3)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"id_number": "532901199001011231"}, "id_number"),
        ({"pack": "nowhere-2025"}, "pack"),
        ({"groups": ["martian"]}, "groups"),
        ({"year": 2030, "paid_on": "2029-10-01"}, "year"),
        ({"paid_on": "2026-02-30"}, "paid_on"),
        ({"arrears_years": -1}, "arrears_years"),
    ],
)
def test_quote_bad_input_exit_2_one_line_on_stderr(change, field):
    done = run("quote", "-", stdin=json.dumps(dict(QUOTE_INPUT, **change)))
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(field) and "Traceback" not in done.stderr


def test_quote_malformed_json():
    done = run("quote", "-", stdin='{"pack": ')
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1


def test_demo_then_verify_and_check(tmp_path):
    db = tmp_path / "demo.db"
    done = run("demo", "--no-gui", "--db", str(db), "--persons", "30")
    assert done.returncode == 0, done.stderr
    assert "clerk01" in done.stdout
    check = run("check", "--db", str(db))
    assert check.returncode == 0 and json.loads(check.stdout)["sound"] is True
    import sqlite3

    with sqlite3.connect(db) as connection:
        number, code = connection.execute("SELECT number, code FROM vouchers ORDER BY id LIMIT 1").fetchone()
        residents = connection.execute("SELECT COUNT(*) FROM persons").fetchone()[0]
    assert residents >= 25
    genuine = run("verify", number, code, "--db", str(db))
    assert genuine.returncode == 0 and json.loads(genuine.stdout)["genuine"] is True
    forged = run("verify", number, "AAAAA-BBBBB", "--db", str(db))
    assert forged.returncode == 1 and json.loads(forged.stdout)["genuine"] is False


def test_print_samples_writes_every_document(tmp_path):
    done = run("print-samples", str(tmp_path))
    assert done.returncode == 0, done.stderr
    names = {path.name for path in tmp_path.glob("*.pdf")}
    assert {"enrolment_receipt.pdf", "enrolment_certificate.pdf"} <= names
    from pypdf import PdfReader

    text = PdfReader(tmp_path / "enrolment_receipt.pdf").pages[0].extract_text()
    assert "参保登记回执" in text


WORKED_EXAMPLE = {
    "pack": "dali-resident-2025",
    "person": {"scheme": "resident", "retired": False, "groups": []},
    "claims": [
        {"date": "2025-03-01", "benefit": "inpatient", "level": "level2", "in_region": True, "total": "30000.00",
         "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"},
        {"date": "2025-06-01", "benefit": "inpatient", "level": "level3", "in_region": False, "total": "80000.00",
         "fulamt_ownpay": "5000.00", "preselfpay": "3000.00"},
        {"date": "2025-07-01", "benefit": "general_outpatient", "level": "township", "total": "300.00"},
        {"date": "2025-07-02", "benefit": "general_outpatient", "level": "level2", "total": "2000.00"},
        {"date": "2025-07-03", "benefit": "chronic_outpatient", "level": "level2", "disease": "M03900", "total": "2500.00"},
        {"date": "2025-08-03", "benefit": "special_outpatient", "level": "level3", "disease": "M07803", "total": "5000.00"},
    ],
}
RESULT_KEYS = {"medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay",
               "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_part_amt", "steps", "status"}


def test_calc_worked_example():
    done = run("calc", "-", stdin=json.dumps(WORKED_EXAMPLE))
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert all(set(r) == RESULT_KEYS for r in results)
    assert [(r["inscp_scp_amt"], r["act_pay_dedc"], r["hifp_pay"], r["hifmi_pay"], r["psn_part_amt"]) for r in results] == [
        ("27000.00", "400.00", "19950.00", "0.00", "10050.00"),
        ("72000.00", "700.00", "35650.00", "20040.00", "24310.00"),
        ("300.00", "0.00", "150.00", "0.00", "150.00"),
        ("2000.00", "0.00", "350.00", "0.00", "1650.00"),
        ("2500.00", "0.00", "1200.00", "0.00", "1300.00"),
        ("5000.00", "1200.00", "3420.00", "948.00", "632.00"),
    ]
    assert results[0]["fund_pay_sumamt"] == "19950.00" and results[0]["maf_pay"] == "0.00"
    assert all(isinstance(step, str) for r in results for step in r["steps"])


@pytest.mark.parametrize(
    "index, change, field",
    [
        (0, {"total": 30000}, "claims[0].total"),  # a JSON number
        (1, {"total": "-5.00"}, "claims[1].total"),
        (2, {"total": "300.001"}, "claims[2].total"),
        (3, {"fulamt_ownpay": "3000.00"}, "claims[3].preselfpay"),  # parts larger than the total
        (4, {"benefit": "massage"}, "claims[4].benefit"),
        (5, {"level": "clinic"}, "claims[5].level"),
        (0, {"date": "2025-13-01"}, "claims[0].date"),
        (0, {"date": "2024-12-31"}, "claims[0].date"),  # the pack is not in force
    ],
)
def test_calc_bad_input_exit_2_naming_claim_and_field(index, change, field):
    data = json.loads(json.dumps(WORKED_EXAMPLE))
    data["claims"][index].update(change)
    done = run("calc", "-", stdin=json.dumps(data))
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(field + ":"), done.stderr


def test_calc_unknown_pack_and_malformed_json():
    assert run("calc", "-", stdin=json.dumps(dict(WORKED_EXAMPLE, pack="nowhere"))).stderr.startswith("pack:")
    done = run("calc", "-", stdin="[1, 2")
    assert done.returncode == 2 and done.stdout == ""


def test_calc_statuses_do_not_touch_accumulators():
    data = {"pack": "huaibei-employee-2025", "person": {"scheme": "resident"},
            "claims": [{"date": "2025-03-01", "benefit": "general_outpatient", "level": "level1", "total": "100.00"}]}
    [result] = json.loads(run("calc", "-", stdin=json.dumps(data)).stdout)
    assert result["status"] == "scheme_mismatch" and result["psn_part_amt"] == "100.00" and result["hifp_pay"] == "0.00"


@pytest.mark.parametrize(
    "start, count, expected",
    [("2026-02-13", "2", {"due": "2026-02-24", "provisional": False}),
     ("2026-12-30", "3", {"due": "2027-01-05", "provisional": True})],
)
def test_workdays(start, count, expected):
    done = run("workdays", start, count)
    assert done.returncode == 0 and json.loads(done.stdout) == expected


@pytest.mark.parametrize("args", [("2026-02-30", "1"), ("yesterday", "1"), ("2026-01-01", "-3"), ("2026-01-01", "x")])
def test_workdays_bad_input(args):
    done = run("workdays", *args)
    assert done.returncode == 2 and done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
