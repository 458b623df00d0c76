"""Someone with the database file edits it behind the app's back: `desk check` names each change, and
`desk verify` checks a paper against the ledger (issue 11, items 3 and 4)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

import pytest

from desk.services import chronic, enrolment, persons, reimbursement, vouchers
from desk.services.integrity import check_database
from tests.conftest import person_form

INPATIENT = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
             "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}
MATERIALS = ["id_document", "application_form", "diagnosis", "examinations"]


@pytest.fixture
def world(desk, clerk, reviewer):
    person = persons.register_person(desk, clerk, person_form())
    enrolled = enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 1, 10))
    settled = reimbursement.record_settlement(desk, clerk, person_id=person.id, claim_form=INPATIENT)
    filing = chronic.accept_filing(desk, clerk, person_id=person.id, disease_code="M03900", kind="chronic",
                                   materials=MATERIALS)
    approved = chronic.approve_filing(desk, reviewer, filing_id=filing.filing.id)
    assert check_database(desk).sound
    return {"person": person, "enrolment": enrolled, "settlement": settled, "filing": filing.filing.id,
            "approval": approved.voucher}


def behind_the_back(desk, *statements: str) -> None:
    """What someone with the file and the sqlite3 shell does, leaving no trace of the protection: drop
    every protecting trigger, change the rows, put the triggers back exactly as they were."""
    saved = desk.db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'").fetchall()
    for name, _ in saved:
        desk.db.conn.execute(f"DROP TRIGGER {name}")
    for statement in statements:
        desk.db.conn.execute(statement)
    for _, sql in saved:
        desk.db.conn.execute(sql)
    desk.db.conn.commit()


def problems(desk) -> str:
    report = check_database(desk)
    assert not report.sound
    return json.dumps(report.as_json(), ensure_ascii=False)


def test_a_fresh_database_is_sound_and_every_row_is_checked(desk, world):
    report = check_database(desk)
    assert report.sound and report.records_checked >= 7  # 3 operators, person, enrolment, settlement, filing


def test_a_settlement_fund_amount_raised(desk, world):
    behind_the_back(desk, "UPDATE settlements SET hifp_pay_fen = hifp_pay_fen + 100000")
    assert f"结算记录 {world['settlement'].settlement_id}" in problems(desk)


def test_an_enrolment_subsidy_raised(desk, world):
    behind_the_back(desk, "UPDATE enrolments SET subsidy_fen = 40000, payable_fen = 0")
    assert f"参保登记记录 {world['enrolment'].enrolment_id}" in problems(desk)


def test_a_person_renamed(desk, world):
    behind_the_back(desk, "UPDATE persons SET name = '王五'")
    assert f"参保人记录 {world['person'].id}" in problems(desk)


def test_a_filing_approved_by_its_own_acceptor(desk, world, clerk):
    behind_the_back(desk, f"UPDATE filings SET decided_by = {clerk.id}")
    text = problems(desk)
    assert "由受理人本人审核" in text and f"慢特病申请记录 {world['filing']}" in text


def test_a_clerk_made_a_reviewer(desk, world, clerk):
    behind_the_back(desk, f"UPDATE operators SET role = 'reviewer' WHERE id = {clerk.id}")
    assert f"操作员记录 {clerk.id}" in problems(desk)


def test_failed_logins_are_not_a_change_of_record(desk, world, clerk):
    behind_the_back(desk, f"UPDATE operators SET failed_attempts = 2 WHERE id = {clerk.id}")
    assert check_database(desk).sound


def test_a_protecting_trigger_dropped(desk, world):
    desk.db.conn.execute("DROP TRIGGER audit_log_no_update")
    desk.db.conn.commit()
    assert "audit_log_no_update" in problems(desk)


def test_a_row_inserted_without_the_app(desk, world):
    columns = [c[0] for c in desk.db.execute("SELECT * FROM persons LIMIT 0").description if c[0] != "id"]
    copied = ", ".join("'532923198001010011'" if c == "id_number" else "NULL" if c == "personal_number" else c
                       for c in columns)
    behind_the_back(desk, f"INSERT INTO persons ({', '.join(columns)}) SELECT {copied} FROM persons LIMIT 1")
    assert "没有任何审计记录" in problems(desk)


def test_the_voucher_key_is_not_in_the_database(desk, world):
    """Whoever reads the file (or a backup) finds no key to make a code with."""
    stored = json.dumps([list(row) for row in desk.db.execute("SELECT key, value FROM settings")])
    assert desk.keys.voucher_key not in stored and "voucher_secret" not in stored
    assert desk.keys.path.exists() and desk.keys.path.parent.name == "keys"
    if sys.platform != "win32":
        assert desk.keys.path.stat().st_mode & 0o077 == 0  # the owner's only


def forge(desk, world, key: str, number: str = "JS-20260310-0099") -> str:
    row = desk.db.execute("SELECT payload_json FROM vouchers WHERE doc_type = 'settlement_statement'").fetchone()
    payload = json.loads(row[0])
    code = vouchers.verification_code(key, number, "settlement_statement", payload)
    behind_the_back(desk, "INSERT INTO vouchers (number, doc_type, record_type, record_id, payload_json, code,"
                          " operator_name, created_at) VALUES ('%s', 'settlement_statement', 'settlement', 999,"
                          " '%s', '%s', '李娜', '2026-03-10T10:00:00')" % (number, row[0], code))
    return code


def test_a_voucher_forged_with_what_the_file_holds_is_refused(desk, world):
    number, code = "JS-20260310-0099", forge(desk, world, key="")  # no key in the file: guessed
    verdict = vouchers.verify(desk, number, code)
    assert not verdict.genuine and "核验码不符" in verdict.message
    assert number in problems(desk)


def test_a_voucher_forged_even_with_the_stolen_key_names_no_real_record(desk, world):
    """With the key file stolen too, the paper still names a settlement that does not exist."""
    number, code = "JS-20260310-0099", forge(desk, world, key=desk.keys.voucher_key)
    verdict = vouchers.verify(desk, number, code)
    assert not verdict.genuine and "不存在" in verdict.message
    assert number in problems(desk)


def test_a_chain_rewritten_with_the_apps_own_hash_function_is_named(desk, world):
    """Change an entry and rewrite every later hash with the unkeyed function: the keyed chain breaks."""
    from desk.store.audit import entry_hash

    columns = ["id", "at", "operator_id", "operator_name", "window", "action", "record_type", "record_id",
               "detail_json", "prev_hash", "hash"]
    entries = [dict(zip(columns, row, strict=False)) for row in desk.db.execute(f"SELECT {', '.join(columns)} FROM audit_log ORDER BY id")]
    entries[2]["operator_name"] = "别人"
    previous = entries[1]["hash"]
    statements = []
    for entry in entries[2:]:
        entry["prev_hash"], entry["hash"] = previous, entry_hash(previous, entry)
        previous = entry["hash"]
        statements.append("UPDATE audit_log SET operator_name = '%s', prev_hash = '%s', hash = '%s' WHERE id = %d"
                          % (entry["operator_name"], entry["prev_hash"], entry["hash"], entry["id"]))
    behind_the_back(desk, *statements)
    report = check_database(desk)
    assert not report.sound and report.first_break.entry_id == 3


def test_verify_says_a_reversed_settlement_is_no_longer_valid(desk, world, reviewer):
    statement = world["settlement"].voucher
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=world["settlement"].settlement_id, reason="重复录入更正")
    verdict = vouchers.verify(desk, statement.number, statement.code)
    assert verdict.genuine and "冲正" in verdict.message and "不再有效" in verdict.message
    assert check_database(desk).sound


def test_verify_says_a_terminated_filing_is_no_longer_valid(desk, world, reviewer, clock):
    chronic.terminate_filing(desk, reviewer, filing_id=world["filing"], reason="迁出本统筹区", on=date(2026, 3, 31))
    approval = world["approval"]
    verdict = vouchers.verify(desk, approval.number, approval.code)
    assert verdict.genuine and "已终止" in verdict.message
    assert check_database(desk).sound


def test_verify_says_a_cancelled_enrolment_is_no_longer_valid(desk, world, reviewer):
    receipt = world["enrolment"].receipt
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=world["enrolment"].enrolment_id, reason="年度录错")
    verdict = vouchers.verify(desk, receipt.number, receipt.code)
    assert verdict.genuine and "作废" in verdict.message
    assert check_database(desk).sound


def test_a_paper_whose_record_was_changed_is_not_genuine(desk, world):
    statement = world["settlement"].voucher
    behind_the_back(desk, "UPDATE settlements SET hifp_pay_fen = 1")
    verdict = vouchers.verify(desk, statement.number, statement.code)
    assert not verdict.genuine and "不同" in verdict.message


@pytest.mark.parametrize("typed", ["{lower}", "{plain}", " {code} ", "{fullwidth}"])
def test_a_code_typed_in_lower_case_without_the_hyphen_is_accepted(desk, world, typed):
    code = world["enrolment"].receipt.code
    variants = {"lower": code.lower(), "plain": code.replace("-", ""), "code": code,
                "fullwidth": "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)}
    assert vouchers.verify(desk, world["enrolment"].receipt.number.lower(), typed.format(**variants)).genuine


def test_desk_check_on_the_command_line_names_the_change(desk, world):
    behind_the_back(desk, "UPDATE persons SET name = '王五'")
    done = subprocess.run([sys.executable, "-m", "desk", "check", "--db", str(desk.path)], capture_output=True,
                          text=True, encoding="utf-8", timeout=120)
    assert done.returncode == 1
    report = json.loads(done.stdout)
    assert report["sound"] is False and any("参保人记录" in problem for problem in report["records"])


def test_a_stored_full_width_number_is_named(desk, world):
    """A database written before numbers were normalised may hold the same resident twice."""
    full_width = "".join(chr(ord(c) + 0xFEE0) for c in world["person"].id_number)
    columns = [c[0] for c in desk.db.execute("SELECT * FROM persons LIMIT 0").description if c[0] != "id"]
    copied = ", ".join(f"'{full_width}'" if c == "id_number" else "NULL" if c == "personal_number" else c
                       for c in columns)
    behind_the_back(desk, f"INSERT INTO persons ({', '.join(columns)}) SELECT {copied} FROM persons LIMIT 1")
    report = check_database(desk).as_json()
    assert any(str(world["person"].id) in problem and "证件号码" in problem for problem in report["records"]), report


def test_the_last_entries_cut_off_are_named(desk, world):
    kept, _ = desk.db.execute("SELECT MAX(id), 0 FROM audit_log").fetchone()
    behind_the_back(desk, f"DELETE FROM audit_log WHERE id > {kept - 2}")
    assert "被截去" in problems(desk)


def test_the_head_is_kept_outside_and_follows_each_commit(desk, world):
    from desk.services.keys import read_head

    entry, entry_hash = read_head(desk.head_file())
    assert (entry, entry_hash) == tuple(desk.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone())
    assert desk.head_file().parent == desk.keys.path.parent


def test_a_whole_chain_rewritten_is_named_by_the_kept_head(desk, world):
    """Even rewriting every entry from the first with the right (stolen) key leaves the kept head."""
    from desk.store.audit import GENESIS, entry_hash

    columns = ["id", "at", "operator_id", "operator_name", "window", "action", "record_type", "record_id",
               "detail_json", "prev_hash", "hash"]
    entries = [dict(zip(columns, row, strict=False)) for row in desk.db.execute(f"SELECT {', '.join(columns)} FROM audit_log ORDER BY id")]
    entries[-1]["operator_name"] = "别人"
    previous, statements = GENESIS, []
    for entry in entries:
        keyed = entry["id"] >= desk.keys.keyed_from
        entry["prev_hash"], entry["hash"] = previous, entry_hash(previous, entry, desk.keys.audit_key if keyed else None)
        previous = entry["hash"]
        statements.append("UPDATE audit_log SET operator_name = '%s', prev_hash = '%s', hash = '%s' WHERE id = %d"
                          % (entry["operator_name"], entry["prev_hash"], entry["hash"], entry["id"]))
    behind_the_back(desk, *statements)
    assert "链头不符" in problems(desk)


def test_the_last_records_cut_off_with_the_head_file_rewritten_are_named(desk, world):
    """Someone with the folder but not the key deletes the newest records and their entries, and writes
    the head file (plain JSON) to the new last entry: its signature does not match."""
    import json

    last = desk.db.execute("SELECT MAX(id) FROM audit_log").fetchone()[0]
    behind_the_back(desk, f"DELETE FROM audit_log WHERE id > {last - 2}")
    entry, entry_hash = desk.db.execute("SELECT id, hash FROM audit_log ORDER BY id DESC LIMIT 1").fetchone()
    head = json.loads(desk.head_file().read_text(encoding="utf-8"))
    head.update(entry=entry, hash=entry_hash)
    desk.head_file().write_text(json.dumps(head), encoding="utf-8")
    assert "签名不符" in problems(desk)
    head.pop("mac")
    desk.head_file().write_text(json.dumps(head), encoding="utf-8")
    assert "签名不符" in problems(desk)


def test_a_verified_point_moved_by_hand_is_not_trusted(desk, world):
    import json

    from desk.services import startup as support
    from desk.services.integrity import start_problems

    assert support.database_problems(desk) == []
    behind_the_back(desk, "UPDATE audit_log SET detail_json = '{}' WHERE id = 3")
    point = json.loads(desk.verified_file().read_text(encoding="utf-8"))
    point.update(entry=1, hash=desk.db.execute("SELECT hash FROM audit_log WHERE id = 1").fetchone()[0])
    desk.verified_file().write_text(json.dumps(point), encoding="utf-8")
    found = start_problems(desk)
    assert any("签名不符" in problem for problem in found), found
