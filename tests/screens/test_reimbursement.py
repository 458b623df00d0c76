"""The 报销计算 screen without Qt: `claim_screen` on a fresh database built through the services
(clock 2026-03-10 09:30), against values written out by hand.

The worked example's first claim (reimbursement.md): inpatient, level2, in region, total 30000.00,
fully self-paid 1000.00, category-B 2000.00 → 27000.00 / 400.00 / 19950.00 / 0.00 / 10050.00, and
100000.00 − 19950.00 = 80050.00 left of the inpatient cap.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from desk.core.errors import ValidationError
from desk.core.idnumber import make_id_number
from desk.screens import reimbursement as screens
from desk.services import enrolment, persons, reimbursement
from tests.conftest import person_form

TYPED = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True, "total": "30000.00",
         "fulamt_ownpay": "1000.00", "preselfpay": "2000.00", "disease": ""}
HEADING = "杨丽华　532923********4529　个人编号 53290000000001"
ENROLLED_2026 = "参保情况：2026年度城乡居民基本医疗保险，待遇 2026-01-01 至 2026-12-31"
NOTHING_USED = [
    # name, cap, used, left, after, provisional
    ("普通门诊（门诊统筹）年度限额", "500.00", "0.00", "500.00", "", False),
    ("住院与门诊特殊病年度限额", "100000.00", "0.00", "100000.00", "", False),
    ("门诊特殊病年度起付线", "1200.00", "0.00", "1200.00", "", False),
    ("慢性病合计年度限额", "3600.00", "0.00", "3600.00", "", False),
    ("大病保险年度限额", "300000.00", "0.00", "300000.00", "", False),
    ("大病保险累计计算基数", "—", "0.00", "—", "", False),
]


def usage(screen) -> list[tuple]:
    return [(row.name, row.cap, row.used, row.left, row.after, row.provisional) for row in screen.usage]


def settlements(screen) -> list[tuple]:
    return [(row.service_date, row.benefit_name, row.total, row.hifp, row.hifmi, row.psn_part, row.status_text,
             row.operator_name, row.reversal_note, row.voucher_number, row.voucher_title, row.reversible)
            for row in screen.settlements]


@pytest.fixture
def insured(desk, clerk):
    """A resident enrolled for 2026, benefits from 2026-01-01 (paid in the concentrated period)."""
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))
    return record


def test_without_a_person_the_screen_says_what_to_do_first(desk, clerk):
    screen = screens.claim_screen(desk, clerk, person_id=None)
    assert (screen.heading, screen.enrolment_line, screen.placeholder) == (
        "请先查询参保人（F2）", "", "查询参保人后填写费用，结果随输入即时计算")
    assert (screen.form_enabled, screen.retired_applies, screen.result, screen.claim_form) == (False, False, None, None)
    assert (screen.year, screen.lists_year, screen.usage, screen.settlements) == (2026, None, (), ())
    assert screen.today == date(2026, 3, 10)


def test_opening_a_person_shows_their_enrolment_and_the_years_usage(desk, clerk, insured):
    screen = screens.claim_screen(desk, clerk, person_id=insured.id)
    assert (screen.person_id, screen.heading, screen.enrolment_line) == (insured.id, HEADING, ENROLLED_2026)
    assert (screen.form_enabled, screen.retired_applies, screen.year, screen.lists_year) == (True, False, 2026, 2026)
    assert (screen.result, screen.refusal, screen.placeholder) == (None, None, "填写总费用后即时显示计算结果")
    assert usage(screen) == NOTHING_USED
    assert screen.settlements == ()


def test_a_claim_shows_its_result_steps_and_the_usage_before_and_after_it(desk, clerk, insured):
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=TYPED)
    view = screen.result
    shown = {key: view.amounts[key] for key, _caption in screens.RESULT_FIELDS}
    assert shown == {"inscp_scp_amt": "27000.00", "act_pay_dedc": "400.00", "hifp_pay": "19950.00", "hifmi_pay": "0.00",
                     "maf_pay": "0.00", "fund_pay_sumamt": "19950.00", "psn_part_amt": "10050.00"}
    assert view.provisional_amounts == {"hifmi_pay"}  # the segments are provisional; never beside the totals
    assert view.provisional_labels == ("大病保险分段标准",)
    assert (view.status, view.status_text, view.recorded_note) == ("ok", "正常结算", "")
    assert view.pack_line == "政策包 dali-resident-2025（版本 2025.1）"
    assert "统筹基金：政策范围内费用 27000.00 − 起付线 400.00 = 26600.00 × 75% = 19950.00" in view.steps
    assert (screen.refusal, screen.placeholder) == (None, "")
    assert screen.claim_form == {key: value for key, value in TYPED.items() if key != "disease"}
    after = [row[:4] + (then, row[5]) for row, then in zip(NOTHING_USED, (
        "500.00", "80050.00", "1200.00", "3600.00", "300000.00", "累计 7050.00"), strict=True)]
    assert usage(screen) == after


def test_a_refused_claim_is_carried_with_its_field_and_the_lists_still_shown(desk, clerk, insured):
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, date="2025-12-31"))
    assert screen.result is None and screen.placeholder == "无法计算：请按上方和左侧标红的提示修改"
    assert screen.refusal.field == "date" and "没有有效的参保登记" in screen.refusal.message
    assert (screen.year, screen.enrolment_line) == (2026, ENROLLED_2026)  # the lists stay on the year shown
    assert usage(screen) == NOTHING_USED  # no 本次后剩余 without a result
    bad = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, total="-1"))
    assert isinstance(bad.refusal, ValidationError) and bad.refusal.field == "total"


def test_the_disease_text_becomes_its_code_with_a_hint(desk, clerk, insured):
    typed = dict(TYPED, benefit="chronic_outpatient", disease="gxy", total="2500.00", fulamt_ownpay="0.00",
                 preselfpay="0.00", date="2026-03-10")
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=typed)
    assert screen.disease_hint == "M03900 高血压病（门诊慢性病）"
    assert screen.claim_form["disease"] == "M03900"
    assert screen.refusal.field == "disease" and "未申请此病种" in screen.refusal.message
    unknown = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(typed, disease="不存在的病"))
    assert unknown.disease_hint == "" and "disease" not in unknown.claim_form
    inpatient = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, disease="M03900"))
    assert "disease" not in inpatient.claim_form  # inpatient takes no disease


def test_after_recording_the_result_stays_with_its_note_and_the_ledger_shows_it(desk, clerk, insured):
    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id,
                                               claim_form=screens.claim_screen(desk, clerk, person_id=insured.id,
                                                                               typed=TYPED).claim_form)
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, total="", disease=""),
                                  recorded=recorded)
    assert screen.result.recorded_note == "已记录结算：基金支付 19950.00 元，个人负担 10050.00 元。结算单编号 JS-20260310-0001。"
    assert screen.result.amounts["hifp_pay"] == "19950.00" and screen.refusal is None
    assert usage(screen)[1] == ("住院与门诊特殊病年度限额", "100000.00", "19950.00", "80050.00", "", False)
    assert usage(screen)[5] == ("大病保险累计计算基数", "—", "7050.00", "—", "", False)
    assert settlements(screen) == [("2026-03-01", "住院", "30000.00", "19950.00", "0.00", "10050.00", "正常结算", "李娜", "",
                                    "JS-20260310-0001", "医疗费用结算单", True)]
    # the next refresh (an edit) no longer carries the note: the form is blank
    assert screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, total="")).result is None


def test_a_reversal_is_listed_newest_first_and_nothing_is_reversible_twice(desk, clerk, reviewer, insured):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=dict(TYPED))
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="发票重复报销")
    screen = screens.claim_screen(desk, reviewer, person_id=insured.id)
    assert settlements(screen) == [
        ("2026-03-01", "住院", "-30000.00", "-19950.00", "0.00", "-10050.00", "冲正", "杨慧", "冲正原因：发票重复报销",
         "CZ-20260310-0001", "结算冲正凭证", False),
        ("2026-03-01", "住院", "30000.00", "19950.00", "0.00", "10050.00", "正常结算", "李娜",
         "已冲正（杨慧 2026-03-10）：发票重复报销", "JS-20260310-0001", "医疗费用结算单", False),
    ]
    assert usage(screen) == NOTHING_USED  # the mirror entry gives the cap back


def test_the_lists_follow_the_year_of_the_claim(desk, clerk, insured):
    enrolment.record_external_enrolment(desk, clerk, person_id=insured.id, scheme="resident", year=2025,
                                        region_code="532900")
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(TYPED, date="2025-06-01"))
    assert screen.refusal is None and screen.result.year == 2025
    assert (screen.year, screen.lists_year) == (2025, 2025)
    assert screen.enrolment_line == "参保情况：2025年度城乡居民基本医疗保险，待遇 2025-01-01 至 2025-12-31"
    later = screens.claim_screen(desk, clerk, person_id=insured.id, year=screen.year)  # nothing typed: the year stays
    assert (later.year, later.lists_year) == (2025, 2025)


def test_retired_applies_only_to_a_person_with_an_employee_enrolment(desk, clerk, insured):
    worker = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1960, 5, 4), 13), name="段志"))
    enrolment.record_external_enrolment(desk, clerk, person_id=worker.id, scheme="employee", year=2026,
                                        region_code="532901")
    assert screens.claim_screen(desk, clerk, person_id=worker.id).retired_applies is True
    assert screens.claim_screen(desk, clerk, person_id=insured.id).retired_applies is False


def test_the_form_choices(desk):
    assert [(c.code, c.name) for c in screens.benefit_choices()][-1] == ("inpatient", "住院")
    assert screens.needs_disease("chronic_outpatient") and not screens.needs_disease("inpatient")
    assert screens.takes_procurement("two_diseases") and not screens.takes_procurement("chronic_outpatient")
    assert [c.code for c in screens.find_diseases(desk, "gxy", "chronic_outpatient")][:1] == ["M03900"]
    assert screens.find_diseases(desk, "gxy", "inpatient") == []


def test_importing_the_screen_imports_no_qt():
    code = "import desk.screens.reimbursement, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    completed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr


def test_the_bill_typed_goes_to_the_service_and_a_bad_invoice_is_refused_live(desk, clerk, insured):
    typed = dict(TYPED, institution="大理州人民医院", invoice_number="fp-0001", admission_date="2026-02-20")
    screen = screens.claim_screen(desk, clerk, person_id=insured.id, typed=typed)
    assert {key: screen.claim_form[key] for key in ("institution", "invoice_number", "admission_date")} == {
        "institution": "大理州人民医院", "invoice_number": "fp-0001", "admission_date": "2026-02-20"}  # the service reads them
    assert screen.refusal is None and screen.result.amounts["hifp_pay"] == "19950.00"
    late = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(typed, admission_date="2026-03-02"))
    assert late.refusal.field == "admission_date" and "晚于出院日期 2026-03-01" in late.refusal.message
    bad = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(typed, invoice_number="FP 0001"))
    assert bad.refusal.field == "invoice_number" and bad.result is None
    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=screen.claim_form)
    assert desk.db.execute("SELECT invoice_number FROM settlements WHERE id = ?",
                           [recorded.settlement_id]).fetchone()[0] == "FP-0001"


def test_a_settled_invoice_is_refused_and_a_like_bill_named_while_typing(desk, clerk, reviewer, insured):
    typed = dict(TYPED, institution="大理州人民医院", invoice_number="FP-0001", admission_date="2026-02-20")
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id,
                                            claim_form=screens.claim_screen(desk, clerk, person_id=insured.id,
                                                                            typed=typed).claim_form)
    again = screens.claim_screen(desk, clerk, person_id=insured.id, typed=typed)
    assert again.refusal.field == "invoice_number" and first.voucher.number in again.refusal.message
    assert again.result is None
    like = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(typed, invoice_number="FP-0002"))
    assert like.refusal is None and like.result.amounts["hifp_pay"] == "19950.00"  # it can still be calculated
    assert like.result.similar_note == (
        f"疑似重复报销：已有同一医疗机构、同一日期、同一总费用的结算：2026-03-10 结算单 {first.voucher.number}（大理州人民医院，"
        "2026-02-20 至 2026-03-01，总费用 30000.00 元，发票号 FP-0001）。记录时须确认是另一张票据。")
    other = screens.claim_screen(desk, clerk, person_id=insured.id, typed=dict(typed, invoice_number="FP-0002",
                                                                               total="30001.00"))
    assert other.result.similar_note == ""
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="总费用录入错误")
    freed = screens.claim_screen(desk, clerk, person_id=insured.id, typed=typed)
    assert freed.refusal is None and freed.result.similar_note == ""  # a reversal frees the invoice and the bill
