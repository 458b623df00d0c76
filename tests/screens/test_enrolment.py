"""What the 参保登记 tab shows, without Qt, on a fresh database built through the services (2026-03-10 09:30,
the Dali pack: 400.00 a year, 城乡低保对象 120.00, both 暂定)."""

from __future__ import annotations

import subprocess
import sys
from datetime import date

import pytest

from desk.core.errors import Refused
from desk.core.idnumber import make_id_number
from desk.screens import enrolment as screen
from desk.screens.common import HistoryRow
from desk.services import enrolment, persons, vouchers
from tests.conftest import person_form

DIBAO = [{"code": "dibao", "document": "低保证 532923-0012"}]
PAID = date(2026, 3, 10)
LOCAL_2026 = dict(year=2026, scheme_name="城乡居民基本医疗保险", payable="280.00", benefit_start="2026-03-10",
                  operator_name="李娜", created_at="2026-03-10 09:30", origin="local")


@pytest.fixture
def resident(desk, clerk):
    return persons.register_person(desk, clerk, person_form(groups=DIBAO))


def test_setup_offers_the_pack_groups_the_collected_year_and_cancel_to_reviewers_only(desk, clerk, reviewer):
    setup = screen.enrolment_setup(desk, clerk)
    assert setup.groups["dibao"] == "城乡低保对象" and setup.groups["tekun"] == "特困供养人员" and len(setup.groups) == 12
    assert (setup.benefit_year, setup.today, setup.can_cancel) == (2026, date(2026, 3, 10), False)
    assert screen.enrolment_setup(desk, reviewer).can_cancel is True


def test_a_person_never_enrolled_has_a_title_and_empty_tables(desk, clerk, resident):
    shown = screen.person_screen(desk, clerk, resident.id)
    assert shown.person.name == "杨丽华" and shown.person.groups == (persons.GroupClaim("dibao", "低保证 532923-0012"),)
    assert shown.title == "参保人信息 — 杨丽华　532923********4529　个人编号 53290000000001"
    assert (shown.history, shown.vouchers, shown.can_cancel) == ((), (), False)


def test_history_and_vouchers_after_enrolling_and_a_certificate(desk, clerk, reviewer, resident):
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    certificate = enrolment.issue_certificate(desk, clerk, person_id=resident.id)
    vouchers.record_print(desk, clerk, result.receipt.number)
    vouchers.record_print(desk, clerk, result.receipt.number)

    shown = screen.person_screen(desk, reviewer, resident.id)
    assert shown.history == (HistoryRow(enrolment_id=result.enrolment_id, status="active", status_name="有效",
                                        cancel_reason=None, **LOCAL_2026),)
    # newest first; issued in the same minute, so by number
    assert shown.vouchers == (
        screen.VoucherRow("PZ-20260310-0001", "基本医疗保险参保凭证", "2026-03-10 09:30", "0 次"),
        screen.VoucherRow("CB-20260310-0001", "参保登记回执", "2026-03-10 09:30", "2 次"),
    )
    assert certificate.number == "PZ-20260310-0001" and shown.can_cancel is True


def test_a_cancelled_enrolment_and_an_imported_record_in_the_history(desk, clerk, reviewer, resident):
    first = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=first.enrolment_id, reason="年度录错")
    imported = enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="employee", year=2026,
                                                   region_code="532901")
    shown = screen.person_screen(desk, clerk, resident.id)
    assert shown.history == (
        HistoryRow(enrolment_id=imported, year=2026, scheme_name="职工基本医疗保险", payable="—", benefit_start="2026-01-01",
                   status="active", status_name="有效（外部导入记录）", operator_name="李娜", created_at="2026-03-10 09:30",
                   cancel_reason=None, origin="imported"),
        HistoryRow(enrolment_id=first.enrolment_id, status="cancelled", status_name="已作废", cancel_reason="年度录错",
                   **LOCAL_2026),
    )
    assert [row.number for row in shown.vouchers] == ["CB-20260310-0001"]  # the cancelled enrolment's receipt stays


def test_the_summary_of_a_subsidised_person_paying_outside_the_period(desk, clerk, resident):
    shown = screen.quote_screen(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    assert shown.summary == screen.SummaryView(
        individual="400.00 元", subsidy="120.00 元（城乡低保对象）", payable="280.00 元", benefit_start="2026-03-10",
        waiting="无等待期", reason="属于城乡低保对象，不设等待期；在集中参保期外缴费，自缴费之日2026-03-10起享受待遇。",
        individual_provisional=True, subsidy_provisional=True, start_provisional=False, not_applicable="",
        provisional_note="标“暂定”的数值所依据的政策尚待确认：个人缴费标准、资助参保标准。",
        pack="政策包 dali-resident-2025（版本 2025.1）", stale=False,
    )
    assert shown.warning is None and shown.quote.payable == 280


def test_the_summary_without_a_group_waits_three_months(desk, clerk):
    person = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1), 125), phone=""))
    summary = screen.quote_screen(desk, clerk, person_id=person.id, year=2026, paid_on=PAID, stale=True).summary
    assert (summary.subsidy, summary.payable, summary.benefit_start, summary.waiting) == (
        "0.00 元（无资助）", "400.00 元", "2026-06-10", "3个月")
    assert (summary.individual_provisional, summary.subsidy_provisional, summary.stale) == (True, False, True)
    assert summary.provisional_note == "标“暂定”的数值所依据的政策尚待确认：个人缴费标准。"


def test_a_group_that_does_not_apply_is_listed_with_its_reason(desk, clerk):
    groups = [{"code": "fp_only_child", "document": "独生子女证 1"}, *DIBAO]
    person = persons.register_person(desk, clerk, person_form(make_id_number("532901", date(1970, 1, 1), 125), groups=groups))
    summary = screen.quote_screen(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 2, 27)).summary
    assert summary.not_applicable == "不适用的资助类别：\n· 不满18周岁的独生子女：缴费之日已满18周岁"
    assert (summary.subsidy, summary.benefit_start) == ("120.00 元（城乡低保对象）", "2026-01-01")  # in the period


def test_the_warning_follows_the_enrolment_service(desk, clerk, reviewer, resident):
    assert screen.quote_screen(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID).warning is None
    first = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    held = "该参保人2026年度已有城乡居民基本医疗保险参保记录（待遇自 2026-03-10 起），不能重复登记。"
    assert screen.quote_screen(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID).warning == held
    with pytest.raises(Refused, match="不能重复登记"):  # what the warning announces
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    assert screen.quote_screen(desk, clerk, person_id=resident.id, year=2025, paid_on=date(2025, 3, 10)).warning is None

    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=first.enrolment_id, reason="年度录错")
    assert screen.quote_screen(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID).warning is None
    enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="employee", year=2026, region_code="532901")
    assert screen.quote_screen(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID).warning == (
        "该参保人2026年度已有职工基本医疗保险参保记录（待遇自 2026-01-01 起），不能重复登记。")


def test_what_the_tab_says_after_an_action(desk, clerk, resident):
    assert screen.saved_message(resident, was_new=True) == "已登记参保人 杨丽华，个人编号 53290000000001。"
    updated = persons.update_person(desk, clerk, resident.id, person_form(groups=DIBAO, phone="13912345678"))
    assert screen.saved_message(updated, was_new=False) == "已保存 杨丽华 的信息（第 2 版）。"
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=PAID)
    assert screen.enrolled_message(result) == (
        "已办理2026年度参保登记：应缴 280.00 元，待遇自 2026-03-10 起。回执编号 CB-20260310-0001。")
    [row] = screen.person_screen(desk, clerk, resident.id).history
    assert screen.cancel_description("杨丽华", row) == (
        "作废 杨丽华 的 2026 年度城乡居民基本医疗保险参保登记（应缴 280.00 元，经办人 李娜）。")
    assert screen.cancelled_message(row) == "已作废 2026 年度参保登记。"
    assert screen.id_number_not_found_message("532923198506014529") == (
        "没有找到证件号码为 532923198506014529 的参保人，已开始新登记：请填写姓名等信息。")
    assert screen.not_found_message("王") == "没有找到“王”：可换用身份证号码、姓名开头或手机号查询。"


def test_an_administrator_sees_no_person(desk, staff, resident):
    from desk.core.errors import PermissionDenied

    with pytest.raises(PermissionDenied):
        screen.person_screen(desk, staff["admin"], resident.id)
    with pytest.raises(PermissionDenied):
        screen.quote_screen(desk, staff["admin"], person_id=resident.id, year=2026, paid_on=PAID)


def test_the_screen_module_does_not_import_qt():
    code = "import desk.screens.enrolment, sys; assert not any(m.startswith('PySide6') for m in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
