"""What the 门诊慢特病 tab shows, without Qt, on a fresh database built through the services
(clock 2026-03-10 09:30 unless moved)."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pytest

from desk.core.errors import Refused, ValidationError
from desk.core.idnumber import make_id_number
from desk.screens import chronic as screen
from desk.services import chronic, enrolment, persons
from tests.conftest import person_form

ALL_CHRONIC = ["id_document", "application_form", "diagnosis", "examinations"]
AGENT = {"name": "杨建国", "id_number": make_id_number("532923", date(1960, 1, 1), 11), "phone": "13908720000",
         "relationship": "子女"}


@pytest.fixture
def insured(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))  # benefits from 2026-01-01
    return record


def accept(desk, operator, person, code="M03900", materials=ALL_CHRONIC, **kwargs):
    return chronic.accept_filing(desk, operator, person_id=person.id, disease_code=code, kind="chronic",
                                 materials=materials, **kwargs)


def test_a_person_without_filings(desk, clerk, insured):
    assert screen.filings_screen(desk, clerk, insured.id) == screen.FilingsScreen(rows=(), selected=None, awaiting_id=None)


def test_an_application_awaiting_materials(desk, clerk, insured):
    accepted = accept(desk, clerk, insured, materials=["id_document"], agent=AGENT)
    shown = screen.filings_screen(desk, clerk, insured.id)
    filing_id = accepted.filing.id
    assert shown.rows == (screen.FilingRow(
        id=filing_id, person_id=insured.id, disease_code="M03900", disease_name="高血压病", kind="chronic",
        kind_name="门诊慢性病", state="awaiting_materials", state_name="待补正", validity="—", valid_today=False,
        accepted="李娜 2026-03-10", decided="", reason=""),)
    assert shown.awaiting_id == filing_id
    detail = shown.selected
    assert detail.row == shown.rows[0]
    assert detail.received == ("身份证件或医保电子凭证",)
    assert [key for key, _ in detail.missing] == ["application_form", "diagnosis", "examinations"]
    assert detail.missing[1] == ("diagnosis", "近6个月内出具的诊断证明")
    assert (detail.agent.name, detail.agent.relationship, detail.agent.phone) == ("杨建国", "子女", "13908720000")
    assert detail.events == (screen.EventRow(at="2026-03-10 09:30", action="受理", states="待补正", operator_name="李娜",
                                             detail="已收材料 1 项；代办人 杨建国（子女）"),)
    assert detail.documents == (screen.DocumentRow(number=accepted.voucher.number, title="一次性告知书",
                                                   issued="2026-03-10 09:30", prints=0),)
    assert detail.allowed == frozenset({"receive_materials", "reject"})  # 补正材料 and 不予认定; no 认定 yet


def test_a_complete_application_lists_its_receipt(desk, clerk, insured):
    accepted = accept(desk, clerk, insured)
    assert accepted.voucher.doc_type == "filing_receipt"
    assert screen.ACCEPTANCE_PAPERS[accepted.voucher.doc_type] == "受理回执"
    detail = screen.filings_screen(desk, clerk, insured.id).selected
    assert detail.documents == (screen.DocumentRow(number=accepted.voucher.number, title="慢特病受理回执",
                                                   issued="2026-03-10 09:30", prints=0),)


def test_materials_brought_later_add_the_receipt_after_the_notice(desk, clerk, insured, clock):
    first = accept(desk, clerk, insured, materials=["id_document"])
    notice = first.voucher
    clock.moment = datetime(2026, 3, 12, 14, 0)
    receipt = chronic.receive_materials(desk, clerk, filing_id=first.filing.id, materials=ALL_CHRONIC).voucher
    detail = screen.filings_screen(desk, clerk, insured.id).selected
    assert [(row.number, row.title, row.issued) for row in detail.documents] == [
        (receipt.number, "慢特病受理回执", "2026-03-12 14:00"), (notice.number, "一次性告知书", "2026-03-10 09:30")]
    assert screen.ACCEPTANCE_PAPERS[receipt.doc_type] == "受理回执"


def test_approval_the_list_newest_first_and_the_selected_filing(desk, clerk, reviewer, insured, clock):
    first = accept(desk, clerk, insured).filing
    clock.moment = datetime(2026, 3, 10, 10, 5)
    chronic.approve_filing(desk, reviewer, filing_id=first.id)
    second = accept(desk, clerk, insured, code="M01600", materials=["id_document"]).filing

    shown = screen.filings_screen(desk, clerk, insured.id)
    assert [(row.id, row.state_name, row.validity, row.decided) for row in shown.rows] == [
        (second.id, "待补正", "—", ""),
        (first.id, "已认定", "2026-03-10 至 2027-03-09", "杨慧 2026-03-10"),
    ]
    assert shown.selected.row.id == second.id and shown.awaiting_id == second.id

    chosen = screen.filings_screen(desk, clerk, insured.id, select=first.id).selected
    assert chosen.row.valid_today and chosen.allowed == frozenset({"terminate"})
    assert chosen.missing == ()
    assert [(e.action, e.states, e.operator_name, e.detail) for e in chosen.events] == [
        ("受理", "已受理", "李娜", "已收材料 4 项"),
        ("认定", "已受理 → 已认定", "杨慧", "有效期 2026-03-10 至 2027-03-09"),
    ]
    assert [(d.title, d.issued) for d in chosen.documents] == [("门诊慢特病待遇认定通知书", "2026-03-10 10:05"),
                                                               ("慢特病受理回执", "2026-03-10 09:30")]
    assert screen.filing_detail(desk, clerk, insured.id, first.id) == chosen
    assert screen.filings_screen(desk, clerk, insured.id, select=999).selected.row.id == second.id  # gone: the newest


def test_rejection_and_termination_show_their_reason(desk, clerk, reviewer, insured):
    rejected = accept(desk, clerk, insured, code="M01600").filing
    chronic.reject_filing(desk, reviewer, filing_id=rejected.id, reason="检查检验结果不符合认定标准")
    approved = accept(desk, clerk, insured).filing
    chronic.approve_filing(desk, reviewer, filing_id=approved.id)
    chronic.terminate_filing(desk, reviewer, filing_id=approved.id, reason="迁出本统筹区", on=date(2026, 6, 30))

    terminated = screen.filing_detail(desk, clerk, insured.id, approved.id)
    assert (terminated.row.state_name, terminated.row.validity, terminated.row.reason) == (
        "已终止", "2026-03-10 至 2027-03-09（终止于 2026-06-30）", "迁出本统筹区")
    assert terminated.row.valid_today  # a terminated approval still pays up to its last day
    assert terminated.events[-1] == screen.EventRow(
        at="2026-03-10 09:30", action="终止", states="已认定 → 已终止", operator_name="杨慧",
        detail="理由：迁出本统筹区；最后享受待遇日 2026-06-30")
    assert terminated.allowed == frozenset()

    refused = screen.filing_detail(desk, clerk, insured.id, rejected.id)
    assert (refused.row.state_name, refused.row.validity, refused.row.reason) == ("不予认定", "—", "检查检验结果不符合认定标准")
    assert not refused.row.valid_today and refused.allowed == frozenset()
    assert refused.events[-1].detail == "理由：检查检验结果不符合认定标准"
    assert refused.documents[0].title == "门诊慢特病待遇不予认定通知书"


def test_another_persons_filing_is_not_shown(desk, clerk, insured):
    filing = accept(desk, clerk, insured).filing
    other = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1960, 1, 1), 5), name="段一"))
    with pytest.raises(ValidationError, match=f"没有受理号为 {filing.id} 的申请，请刷新后重试"):
        screen.filing_detail(desk, clerk, other.id, filing.id)
    assert screen.filings_screen(desk, clerk, other.id).rows == ()


def test_the_allowed_moves_and_the_refusal_of_another(desk):
    assert screen.allowed_moves("accepted") == frozenset({"request_materials", "approve", "reject"})
    assert screen.allowed_moves("rejected") == frozenset()
    with pytest.raises(Refused, match="当前状态为“待补正”，不能认定（此状态下可办理：补正材料、不予认定）。"):
        screen.check_move("awaiting_materials", "approve")
    screen.check_move("approved", "terminate")


def test_reminders_with_the_days_left(desk, clerk, reviewer, insured, clock):
    filing = accept(desk, clerk, insured).filing
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)  # ends 2027-03-09
    expected = screen.ReminderRow(
        filing_id=filing.id, person_id=insured.id, status="due", status_name="即将到期", effective_to="2027-03-09",
        days_left=30, left="30 天", person_name="杨丽华", id_number="532923********4529", phone="13908721234",
        disease="M03900 高血压病", kind_name="门诊慢性病")
    clock.moment = datetime(2027, 2, 6, 9)
    assert screen.reminders_screen(desk, clerk, 30) == screen.RemindersScreen(rows=(), due=0, lapsed=0)
    clock.moment = datetime(2027, 2, 7, 9)
    assert screen.reminders_screen(desk, clerk, 30) == screen.RemindersScreen(rows=(expected,), due=1, lapsed=0)
    clock.moment = datetime(2027, 3, 9, 9)
    [today] = screen.reminders_screen(desk, clerk, 30).rows
    assert (today.days_left, today.left) == (0, "今天到期")
    clock.moment = datetime(2027, 3, 12, 9)
    shown = screen.reminders_screen(desk, clerk, 0)
    assert (shown.due, shown.lapsed) == (0, 1)
    assert (shown.rows[0].status, shown.rows[0].status_name, shown.rows[0].left) == ("lapsed", "已过期", "已过 3 天")
    with pytest.raises(ValidationError, match="提醒天数应为0到366之间的整数"):
        screen.reminders_screen(desk, clerk, 367)


def test_the_disease_search(desk):
    assert [(d.code, d.kind) for d in screen.find_diseases(desk, "gxy")] == [("M03900", "chronic"), ("M03900", "two_diseases")]
    assert (screen.pick_disease(desk, " 帕金森 ").code, screen.pick_disease(desk, "帕金森").kind) == ("M02300", "chronic")
    with pytest.raises(ValidationError, match="“gxy”对应2个病种"):
        screen.pick_disease(desk, "gxy")
    with pytest.raises(ValidationError, match="请输入病种代码、名称或拼音首字母"):
        screen.pick_disease(desk, "  ")
    with pytest.raises(ValidationError, match="没有与“zzzz”相符的病种"):
        screen.pick_disease(desk, "zzzz")
    assert screen.AGENT_RELATIONS[0] == "配偶" and screen.DEFAULT_REMINDER_DAYS == 30


def test_the_screen_module_does_not_import_qt():
    code = "import desk.screens.chronic, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    environment = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}  # this copy of desk
    subprocess.run([sys.executable, "-c", code], check=True, env=environment, timeout=120)


def test_the_person_panel_names_the_person_and_the_enrolment_a_filing_needs(desk, clerk, insured):
    from desk.core.idnumber import mask_id_number

    panel = screen.person_panel(desk, clerk, insured.id)
    assert (panel.person.id, panel.person.name, len(panel.person.enrolments)) == (insured.id, "杨丽华", 1)
    assert panel.heading == f"杨丽华　{mask_id_number(insured.id_number)}　个人编号 {insured.personal_number}　电话 13908721234"
    assert panel.coverage == "参保：2026年度 城乡居民基本医疗保险，待遇自 2026-01-01 起"
    unenrolled = persons.register_person(desk, clerk, person_form(make_id_number("532923", date(1990, 2, 2), 17), phone=""))
    panel = screen.person_panel(desk, clerk, unenrolled.id)
    assert panel.heading.endswith(f"个人编号 {unenrolled.personal_number or ''}") and "电话" not in panel.heading
    assert panel.coverage == "没有有效的参保登记：须先参保，待遇开始后才能申请门诊慢特病。"
