"""What the 转移接续 tab shows, without Qt, on a fresh database built through the services
(clock 2026-03-10 09:30)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime

import pytest

from desk.core.errors import NotFound, PermissionDenied, ValidationError
from desk.screens import transfer as screen
from desk.services import persons, transfer
from tests.conftest import person_form
from tests.services.test_transfer import APPLICANT, form

COMPLETE = ["id_document", "pension_letter"]
NATIONAL = {"scope": "national", "out_region_code": "340600", "out_office": "淮北市医疗保障局"}


def accept(desk, clerk, materials=COMPLETE, **overrides) -> transfer.Transfer:
    return transfer.apply(desk, clerk, form=form(**overrides), materials=materials).transfer


def test_importing_the_screen_imports_no_qt():
    code = "import desk.screens.transfer, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert done.returncode == 0, done.stderr


def test_the_form_helpers():
    assert screen.region_name("530100") == "云南省昆明市"
    assert screen.region_name("５３２９００") == "云南省大理白族自治州"
    assert screen.region_name("53010") is None and screen.region_name("999999") is None
    assert screen.scope_of("530100", "532900") == "province"
    assert screen.scope_of("340600", "532900") == "national"
    assert screen.scope_of("340600", "5329") is None
    assert screen.materials_for("province", None) == [("id_document", "居民身份证（原件或复印件）")]
    assert screen.materials_for("national", "resident_pension") == [
        ("id_document", "居民身份证（原件或复印件）"), ("former_certificate", "转出地出具的《基本医疗保险参保凭证》"),
        ("pension_letter", "《基本养老保险关系转移接续联系函》")]
    assert screen.pension_names() == {"resident_pension": "城乡居民基本养老保险",
                                      "enterprise_pension": "企业职工基本养老保险"}
    assert screen.step_name("to_out_review") == "转出审核" and screen.step_name("to_in_review") == "转入审核"
    assert screen.allowed_actions("awaiting_materials") == {"receive_materials", "return"}
    assert screen.allowed_actions("accepted") == {"to_out_review", "return"}
    assert screen.allowed_actions("in_review") == {"complete", "return"}
    assert screen.allowed_actions("completed") == frozenset()


def test_the_office_as_a_place_the_time_limit_and_the_form_check(desk, clerk):
    assert screen.office_place(desk)["region_code"] == "532900"
    assert screen.working_days(desk) == 22
    assert screen.check_form(desk, form())["in"]["region_name"] == "云南省大理白族自治州"
    with pytest.raises(ValidationError) as caught:
        screen.check_form(desk, form(out_region_code="999999", phone=""))
    assert {problem.field for problem in caught.value.problems} == {"out_region_code", "phone"}


def test_a_registered_applicant_and_their_transfer_still_open(desk, clerk, reviewer):
    record = persons.register_person(desk, clerk, person_form(APPLICANT, name="张伟"))
    shown = screen.applicant_screen(desk, clerk, record.id)
    assert shown.applicant == screen.Applicant(
        id_type="居民身份证", id_number=APPLICANT, name="张伟", sex="男", phone="13908721234",
        household_place="祥城镇东村村委会", address="祥云县祥城镇东村12号",
        personal_number=f"532900{record.id:08d}")
    assert (shown.open_query_number, shown.open_state_name) == (None, None)

    first = accept(desk, clerk)
    shown = screen.applicant_screen(desk, clerk, record.id)
    assert (shown.open_query_number, shown.open_state_name) == ("ZY-20260310-0001", "已受理")
    transfer.return_transfer(desk, reviewer, transfer_id=first.id, reason="申请人要求撤回申请")
    assert screen.applicant_screen(desk, clerk, record.id).open_query_number is None  # a returned one is over
    accept(desk, clerk, materials=["id_document"])
    shown = screen.applicant_screen(desk, clerk, record.id)
    assert (shown.open_query_number, shown.open_state_name) == ("ZY-20260310-0002", "待补正")


def test_tracking_rows_notes_flags_buttons_and_counts(desk, clerk, reviewer, clock):
    first = accept(desk, clerk)  # due 2026-04-10
    clock.moment = datetime(2026, 3, 16, 9)
    second = accept(desk, clerk, name="李娜")  # due 2026-04-16
    waiting = accept(desk, clerk, materials=["id_document"], name="王芳", **NATIONAL)
    transfer.advance(desk, reviewer, transfer_id=second.id, action="to_out_review")

    clock.moment = datetime(2026, 4, 13, 9)  # Monday
    shown = screen.tracking_screen(desk, clerk)
    assert shown.rows == (
        screen.TrackingRow(
            id=first.id, query_number="ZY-20260310-0001", applicant_name="张伟", direction_name="转入",
            route="昆明市 → 大理白族自治州", state="accepted", state_name="已受理", accepted_on="2026-03-10",
            due_date="2026-04-10", provisional=False, overdue=True, due_soon=False, note="已超期 1 个工作日",
            operator_name="李娜", actions=frozenset({"to_out_review", "return"})),
        screen.TrackingRow(
            id=second.id, query_number="ZY-20260316-0001", applicant_name="李娜", direction_name="转入",
            route="昆明市 → 大理白族自治州", state="out_review", state_name="转出审核", accepted_on="2026-03-16",
            due_date="2026-04-16", provisional=False, overdue=False, due_soon=True, note="剩余 3 个工作日",
            operator_name="李娜", actions=frozenset({"to_in_review", "return"})),
        screen.TrackingRow(
            id=waiting.id, query_number="ZY-20260316-0002", applicant_name="王芳", direction_name="转入",
            route="淮北市 → 大理白族自治州", state="awaiting_materials", state_name="待补正", accepted_on="",
            due_date="", provisional=False, overdue=False, due_soon=False, note="待补正材料，未开始计时",
            operator_name="李娜", actions=frozenset({"receive_materials", "return"})),
    )
    assert (shown.overdue, shown.due_soon, shown.awaiting_materials) == (1, 1, 1)

    clock.moment = datetime(2026, 4, 10, 17)
    assert [row.note for row in screen.tracking_screen(desk, clerk).rows][:2] == ["今天到期", "剩余 4 个工作日"]


def test_a_provisional_due_date_is_marked(desk, clerk, clock):
    clock.moment = datetime(2026, 12, 15, 9)
    accept(desk, clerk)
    [row] = screen.tracking_screen(desk, clerk).rows
    assert (row.due_date, row.provisional, row.note) == ("2027-01-15", True, "剩余 22 个工作日")


def test_missing_materials_of_a_waiting_transfer(desk, clerk, reviewer):
    waiting = accept(desk, clerk, materials=["id_document"], **NATIONAL)
    assert screen.missing_materials(desk, clerk, waiting.id) == [
        ("former_certificate", "转出地出具的《基本医疗保险参保凭证》"), ("pension_letter", "《基本养老保险关系转移接续联系函》")]
    transfer.return_transfer(desk, reviewer, transfer_id=waiting.id, reason="申请人要求撤回申请")
    with pytest.raises(NotFound, match="在办"):
        screen.missing_materials(desk, clerk, waiting.id)


def test_the_details_of_one_transfer_papers_newest_first_and_its_history(desk, clerk, reviewer, clock):
    waiting = accept(desk, clerk, materials=["id_document"])
    clock.moment = datetime(2026, 3, 11, 14, 5)
    transfer.receive_materials(desk, clerk, transfer_id=waiting.id, materials=["pension_letter"])
    clock.moment = datetime(2026, 3, 12, 8, 45)
    for action in ("to_out_review", "to_in_review"):
        transfer.advance(desk, reviewer, transfer_id=waiting.id, action=action)
    transfer.complete(desk, reviewer, transfer_id=waiting.id, pooled_fund="8650.40", personal_account="3210.00")

    details = screen.transfer_details(desk, clerk, waiting.id)
    assert details.papers == (
        screen.PaperLine("HZ-20260311-0001", "转移接续受理回执", "2026-03-11 14:05", 0),
        screen.PaperLine("SQ-20260310-0001", "医保社保关系转移接续“一件事”申请登记表", "2026-03-10 09:30", 0),
        screen.PaperLine("GZ-20260310-0001", "一次性告知书", "2026-03-10 09:30", 0),
    )
    assert details.events == (
        screen.EventLine("2026-03-10 09:30", "李娜", "", "待补正", ""),
        screen.EventLine("2026-03-11 14:05", "李娜", "待补正", "已受理", ""),
        screen.EventLine("2026-03-12 08:45", "杨慧", "已受理", "转出审核", ""),
        screen.EventLine("2026-03-12 08:45", "杨慧", "转出审核", "转入审核", ""),
        screen.EventLine("2026-03-12 08:45", "杨慧", "转入审核", "已办结", "统筹基金 8650.40 元，个人账户 3210.00 元"),
    )
    assert screen.TransferDetails((), ()) == screen.NO_DETAILS


def test_a_return_and_a_recomputed_due_date_are_worded(desk, clerk, staff, reviewer, clock):
    returned = accept(desk, clerk)
    transfer.return_transfer(desk, reviewer, transfer_id=returned.id, reason="转出地核实参保信息不一致")
    assert screen.transfer_details(desk, clerk, returned.id).events[-1] == screen.EventLine(
        "2026-03-10 09:30", "杨慧", "已受理", "已退回", "原因：转出地核实参保信息不一致")
    clock.moment = datetime(2026, 12, 15, 9)
    provisional = accept(desk, clerk)
    from desk.services import calendar

    calendar.load_schedule(desk, staff["admin"], '{"format": "desk-holiday-schedule/1", "source": "2027（测试）", '
                           '"years": {"2027": {"days_off": ["2027-01-01", "2027-01-04", "2027-01-05"], "workdays": []}}}')
    assert screen.transfer_details(desk, clerk, provisional.id).events[-1] == screen.EventLine(
        "2026-12-15 09:00", "赵管理", "已受理", "已受理", "办结日期重算为 2027-01-19")


def test_summary_lines_totals_and_the_default_period(desk, clerk, reviewer, clock):
    assert screen.default_summary_period(desk) == (date(2026, 1, 1), date(2026, 3, 10))
    inward = accept(desk, clerk)
    outward = accept(desk, clerk, direction="out", out_region_code="532900", out_office="大理州医疗保障事业管理局",
                     in_region_code="530100", in_office="昆明市医疗保险管理局")
    accept(desk, clerk, name="李娜")  # accepted, not completed
    for row, amounts in ((inward, ("100.00", "20.50")), (outward, ("300.00", "0.00"))):
        for action in ("to_out_review", "to_in_review"):
            transfer.advance(desk, reviewer, transfer_id=row.id, action=action)
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund=amounts[0], personal_account=amounts[1])
    shown = screen.summary_screen(desk, clerk, first=date(2026, 3, 1), last=date(2026, 3, 31))
    assert shown == screen.SummaryScreen(
        first=date(2026, 3, 1), last=date(2026, 3, 31),
        rows=(screen.SummaryRow("out", "转出", accepted=1, completed=1, pooled_fund="300.00", personal_account="0.00",
                                total="300.00"),
              screen.SummaryRow("in", "转入", accepted=2, completed=1, pooled_fund="100.00", personal_account="20.50",
                                total="120.50")),
        out_total="300.00", in_total="120.50")
    empty = screen.summary_screen(desk, clerk, first=date(2026, 4, 1), last=date(2026, 4, 30))
    assert [(row.accepted, row.completed, row.total) for row in empty.rows] == [(0, 0, "0.00"), (0, 0, "0.00")]
    with pytest.raises(ValidationError) as caught:
        screen.summary_screen(desk, clerk, first=date(2026, 3, 31), last=date(2026, 3, 1))
    assert caught.value.problems[0].field == "last"


def test_every_read_needs_the_right_to_search(desk, staff, clerk):
    row = accept(desk, clerk)
    admin = staff["admin"]  # administrators have no business tabs
    for call in (lambda: screen.tracking_screen(desk, admin), lambda: screen.transfer_details(desk, admin, row.id),
                 lambda: screen.summary_screen(desk, admin, first=date(2026, 3, 1), last=date(2026, 3, 31))):
        with pytest.raises(PermissionDenied):
            call()


def test_the_papers_of_an_application_are_handed_over_receipt_first_then_the_form():
    from desk.services.transfer import TransferResult
    from desk.services.vouchers import IssuedVoucher

    form = IssuedVoucher("SQ-20260310-0001", "C1", "transfer_form")
    receipt = IssuedVoucher("HZ-20260310-0001", "C2", "transfer_receipt")
    notice = IssuedVoucher("GZ-20260310-0001", "C3", "one_time_notice")
    assert screen.papers_to_hand_over(TransferResult(None, (form, receipt))) == [
        ("HZ-20260310-0001", "受理回执"), ("SQ-20260310-0001", "转移接续申请登记表")]
    assert screen.papers_to_hand_over(TransferResult(None, (form, notice))) == [
        ("GZ-20260310-0001", "一次性告知书"), ("SQ-20260310-0001", "转移接续申请登记表")]
    assert screen.papers_to_hand_over(TransferResult(None, (receipt,))) == [("HZ-20260310-0001", "受理回执")]
