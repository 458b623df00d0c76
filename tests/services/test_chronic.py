import json
from datetime import date, datetime

import pytest

from desk.core.errors import PermissionDenied, Refused, ValidationError
from desk.core.idnumber import make_id_number
from desk.services import chronic, enrolment, persons, vouchers
from tests.conftest import person_form
from tests.vouchers.pdf_helpers import between, compact, pdf_text

ALL_CHRONIC = ["id_document", "application_form", "diagnosis", "examinations"]


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def insured(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))  # benefits from 2026-01-01
    return record


def accept(desk, operator, person, code="M03900", kind="chronic", materials=ALL_CHRONIC, **kwargs):
    return chronic.accept_filing(desk, operator, person_id=person.id, disease_code=code, kind=kind, materials=materials, **kwargs)


def receipt_text(desk, number: str) -> str:
    return compact(pdf_text(vouchers.render(desk, number)))


def test_complete_application_is_accepted_with_a_receipt(desk, clerk, insured):
    result = accept(desk, clerk, insured)
    assert result.filing.state == "accepted"
    assert result.voucher.doc_type == "filing_receipt" and result.voucher.number.startswith("SL-20260310-")
    assert [paper.number for paper in vouchers.vouchers_of(desk, "filing", result.filing.id)] == [result.voucher.number]
    flat = receipt_text(desk, result.voucher.number)
    assert f"受理号：{result.filing.id}" in flat
    received = between(flat, "已收材料（共4项）", "下一步")
    for number, name in enumerate(("身份证件或医保电子凭证", "《门诊慢特病待遇认定申请表》", "近6个月内出具的诊断证明",
                                    "相关检查检验报告及病历资料"), start=1):
        assert f"{number}．{name}" in received, name
    assert "由审核人员审核材料后作出认定决定" in flat and "现行政策未规定统一的审核时限" in flat
    assert "高血压病（M03900）门诊慢性病待遇认定申请，申请材料齐全，予以受理。" in flat
    assert "受理日期：2026年3月10日" in flat and "经办机构（章）" in flat
    entry = desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'filing.accept'").fetchone()[0]
    assert json.loads(entry)["receipt"] == result.voucher.number


def test_the_receipt_is_issued_in_the_acceptance_transaction(desk, clerk, insured, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("printer queue gone")

    before = [count(desk, t) for t in ("filings", "filing_events", "vouchers", "audit_log")]
    monkeypatch.setattr(chronic, "_issue_receipt", broken)
    with pytest.raises(RuntimeError):
        accept(desk, clerk, insured)
    assert [count(desk, t) for t in ("filings", "filing_events", "vouchers", "audit_log")] == before


def test_missing_material_gives_awaiting_and_a_notice_listing_everything(desk, clerk, insured):
    result = accept(desk, clerk, insured, materials=["id_document"])
    assert result.filing.state == "awaiting_materials"
    assert result.voucher.number.startswith("GZ-20260310-")
    payload = desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [result.voucher.number]).fetchone()[0]
    for missing in ("申请表", "诊断证明", "检查检验报告"):
        assert missing in payload
    completed = chronic.receive_materials(desk, clerk, filing_id=result.filing.id, materials=ALL_CHRONIC[1:])
    assert completed.filing.state == "accepted" and completed.voucher.doc_type == "filing_receipt"
    papers = [paper.doc_type for paper in vouchers.vouchers_of(desk, "filing", result.filing.id)]
    assert papers == ["one_time_notice", "filing_receipt"]
    flat = receipt_text(desk, completed.voucher.number)
    assert "已收材料（共4项）" in flat and "申请材料齐全，予以受理" in flat
    entry = desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'filing.receive_materials'").fetchone()[0]
    assert json.loads(entry)["receipt"] == completed.voucher.number


def test_the_notice_says_by_when_to_bring_the_materials(desk, clerk, insured):
    """The pack's 20 working days from 2026-03-10 (a Tuesday): 18 by Friday 3 April, Monday 6 April is
    清明 (the shipped 2026 schedule), so the 20th is Wednesday 8 April."""
    notice = accept(desk, clerk, insured, materials=["id_document"]).voucher
    payload = json.loads(desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [notice.number]).fetchone()[0])
    assert payload["bring_by"] == {"date": "2026-04-08", "working_days": 20, "provisional": False}
    flat = receipt_text(desk, notice.number)
    assert "补齐期限2026年4月8日前（自告知之日起20个工作日内，节假日顺延）" in flat
    assert "请于2026年4月8日前一次补齐后到本告知书所列地点办理" in flat
    assert "暂定" not in flat


def test_a_deadline_in_an_unpublished_year_is_provisional(desk, clerk, insured, clock):
    """From Sunday 2026-12-20: 9 working days to 31 December, 1 January 2027 is New Year's Day (by law; the
    2027 schedule is not shipped), then 5 + 5, and Monday 18 January is the 20th."""
    clock.moment = datetime(2026, 12, 20, 9, 0)
    notice = accept(desk, clerk, insured, materials=["id_document"]).voucher
    payload = json.loads(desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [notice.number]).fetchone()[0])
    assert payload["bring_by"] == {"date": "2027-01-18", "working_days": 20, "provisional": True}
    assert "补齐期限2027年1月18日前（自告知之日起20个工作日内，节假日顺延）暂定" in receipt_text(desk, notice.number)


def test_partial_materials_keep_it_waiting_with_a_new_notice(desk, clerk, insured):
    first = accept(desk, clerk, insured, materials=["id_document"])
    again = chronic.receive_materials(desk, clerk, filing_id=first.filing.id, materials=["diagnosis"])
    assert again.filing.state == "awaiting_materials" and again.voucher.number != first.voucher.number
    assert again.voucher.doc_type == "one_time_notice"  # no receipt while something is missing
    assert again.filing.materials == ("id_document", "diagnosis")


def test_four_eyes_and_approval_dates(desk, clerk, reviewer, insured, staff):
    filing = accept(desk, reviewer, insured).filing  # a reviewer may accept too…
    with pytest.raises(Refused, match="审核与受理不能是同一人"):
        chronic.approve_filing(desk, reviewer, filing_id=filing.id)  # …but not approve their own
    with pytest.raises(PermissionDenied):
        chronic.approve_filing(desk, clerk, filing_id=filing.id)
    other = _second_reviewer(desk, staff)
    approved = chronic.approve_filing(desk, other, filing_id=filing.id)
    assert approved.filing.state == "approved"
    assert (approved.filing.effective_from, approved.filing.effective_to) == ("2026-03-10", "2027-03-09")
    assert approved.voucher.number.startswith("RD-")


def _second_reviewer(desk, staff):
    from desk.services import operators

    return operators.create_operator(desk, staff["admin"], username="review02", display_name="王审", role="reviewer",
                                     temporary_password="Review2026", require_change=False)


def test_approval_with_a_missing_material_is_refused(desk, clerk, reviewer, insured):
    filing = accept(desk, clerk, insured, materials=["id_document"]).filing
    with pytest.raises(Refused, match="待补正"):
        chronic.approve_filing(desk, reviewer, filing_id=filing.id)


def test_reject_with_reason_and_appeal(desk, clerk, reviewer, insured):
    filing = accept(desk, clerk, insured, materials=["id_document"]).filing
    with pytest.raises(ValidationError):
        chronic.reject_filing(desk, reviewer, filing_id=filing.id, reason="")
    result = chronic.reject_filing(desk, reviewer, filing_id=filing.id, reason="诊断依据不足，不符合该病种认定标准")
    assert result.filing.state == "rejected" and result.voucher.number.startswith("BY-")
    payload = desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [result.voucher.number]).fetchone()[0]
    assert '"working_days":5' in payload
    with pytest.raises(Refused):
        chronic.approve_filing(desk, reviewer, filing_id=filing.id)
    accept(desk, clerk, insured)  # a rejected filing does not block a new application


def test_terminate_stops_payment_after_the_date(desk, clerk, reviewer, insured):
    filing = accept(desk, clerk, insured).filing
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)
    chronic.terminate_filing(desk, reviewer, filing_id=filing.id, reason="迁出本统筹区", on=date(2026, 6, 30))
    query = dict(person_id=insured.id, disease_code="M03900", kind="chronic")
    assert chronic.approved_filing(desk, on=date(2026, 6, 30), **query) is not None  # the last day it pays
    assert chronic.approved_filing(desk, on=date(2026, 7, 1), **query) is None
    with pytest.raises(Refused, match="已终止"):
        chronic.terminate_filing(desk, reviewer, filing_id=filing.id, reason="再次", on=date(2026, 7, 1))


def test_the_query_for_reimbursement(desk, clerk, reviewer, insured):
    filing = accept(desk, clerk, insured).filing
    query = dict(person_id=insured.id, disease_code="M03900", kind="chronic")
    assert chronic.approved_filing(desk, on=date(2026, 3, 10), **query) is None  # not yet approved
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)
    assert chronic.approved_filing(desk, on=date(2026, 3, 9), **query) is None
    assert chronic.approved_filing(desk, on=date(2026, 3, 10), **query).id == filing.id
    assert chronic.approved_filing(desk, on=date(2027, 3, 9), **query) is not None
    assert chronic.approved_filing(desk, on=date(2027, 3, 10), **query) is None
    assert chronic.approved_filing(desk, on=date(2026, 5, 1), person_id=insured.id, disease_code="M03900", kind="two_diseases") is None
    [cap] = chronic.filing_caps(desk, person_id=insured.id, on=date(2026, 5, 1))
    assert (cap.disease_code, str(cap.annual_cap)) == ("M03900", "1200.00")


def test_refusals_write_nothing(desk, clerk, insured):
    accept(desk, clerk, insured)
    before = [count(desk, t) for t in ("filings", "filing_events", "vouchers", "audit_log")]
    with pytest.raises(Refused, match="同一病种不能同时有两个有效申请"):
        accept(desk, clerk, insured)
    with pytest.raises(Refused, match="不能同时享受同一病种"):
        accept(desk, clerk, insured, kind="two_diseases", materials=["id_document"])
    with pytest.raises(ValidationError, match="不在本统筹区门诊慢特病目录中"):
        accept(desk, clerk, insured, code="M99999")
    with pytest.raises(ValidationError, match="属于门诊慢性病"):
        accept(desk, clerk, insured, code="M04600", kind="special")
    with pytest.raises(ValidationError):
        accept(desk, clerk, insured, code="M01600", materials=["passport"])
    assert [count(desk, t) for t in ("filings", "filing_events", "vouchers", "audit_log")] == before


def test_no_enrolment_covering_the_application_date(desk, clerk):
    record = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1960, 1, 1), 5), name="段一"))
    with pytest.raises(Refused, match="没有有效的基本医疗保险参保登记"):
        accept(desk, clerk, record)
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))  # waits until 2026-06-10
    with pytest.raises(Refused, match="待遇等待期"):
        accept(desk, clerk, record)


def test_agent_fields_are_checked(desk, clerk, insured):
    with pytest.raises(ValidationError) as caught:
        accept(desk, clerk, insured, agent={"name": "杨建国", "id_number": "123", "phone": "", "relationship": ""})
    assert {p.field for p in caught.value.problems} == {"agent_id_number", "agent_phone", "agent_relationship"}
    agent = {"name": "杨建国", "id_number": make_id_number("532923", date(1960, 1, 1), 11), "phone": "13908720000", "relationship": "子女"}
    assert accept(desk, clerk, insured, agent=agent).filing.agent.name == "杨建国"


def test_reminders_around_the_boundary(desk, clerk, reviewer, insured, clock):
    filing = accept(desk, clerk, insured).filing
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)  # ends 2027-03-09
    for today, due, lapsed in [
        (datetime(2027, 2, 6, 9), 0, 0),  # 31 days left
        (datetime(2027, 2, 7, 9), 1, 0),  # 30 days left
        (datetime(2027, 3, 9, 9), 1, 0),  # last day
        (datetime(2027, 3, 10, 9), 0, 1),  # lapsed
    ]:
        clock.moment = today
        found = chronic.reminders(desk, clerk, within_days=30)
        assert (len(found.due), len(found.lapsed)) == (due, lapsed), today
    assert found.lapsed[0].filing.state_name == "已认定（已过期）"


def test_every_step_is_kept(desk, clerk, reviewer, insured):
    filing = accept(desk, clerk, insured, materials=["id_document"]).filing
    chronic.receive_materials(desk, clerk, filing_id=filing.id, materials=ALL_CHRONIC)
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)
    history = chronic.filing_history(desk, clerk, filing.id)
    assert [(e.action, e.to_state, e.operator_name) for e in history] == [
        ("accept", "awaiting_materials", "李娜"), ("receive_materials", "accepted", "李娜"), ("approve", "approved", "杨慧"),
    ]
