"""What the administration pages show (desk/screens/admin.py), without Qt: the 年度缴费标准 section,
the 录入年度标准 dialog, the administrator's notice at login, and every other page's screen."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from desk.screens import admin as support
from desk.services import calendar, enrolment, persons, settings, standards
from tests.conftest import person_form

PACK = "dali-resident-2025"
DOC = "云医保〔2026〕88号"
CODES = {"confirmed", "provisional", "missing", "full", "individual", "dibao", "tekun"}


@pytest.fixture
def december(clock):
    clock.moment = datetime(2026, 12, 1, 9, 30)
    return clock


@pytest.fixture
def admin(staff):
    return staff["admin"]


def year(desk, number: int) -> support.StandardYear:
    return next(item for item in support.standard_years(desk, PACK) if item.year == number)


def by_code(item: support.StandardYear) -> dict[str, support.StandardValue]:
    return {value.code: value for value in item.values}


def test_the_years_of_a_pack_include_the_year_being_collected_even_when_missing(desk, december):
    years = support.standard_years(desk, PACK)
    assert [item.year for item in years] == [2025, 2026, 2027]
    coming = years[-1]
    assert coming.missing and not coming.entered
    assert (coming.individual.amount, coming.individual.status_name) == ("", "尚未录入")
    assert coming.note == "集中参保中，至 2027-02-28"
    assert years[1].note == "本年度" and years[0].note == "往年"
    assert by_code(years[1])["individual"].status_name == "暂定" and years[1].individual.amount == "400.00"
    assert by_code(years[1])["tekun"].amount == "全额"  # never "full"
    assert all(value.bundled == "" for item in years for value in item.values)  # nothing entered yet
    assert support.collecting_year(desk, PACK) == 2027


def test_before_the_collection_the_current_year_is_the_collected_one(desk):
    assert support.collecting_year(desk, PACK) == 2026  # 2026-03-10
    assert [item.year for item in support.standard_years(desk, PACK)] == [2025, 2026]
    assert support.standard_years(desk, "huaibei-employee-2025") == []  # no contribution at all


def test_an_entry_shows_beside_the_pack_file_value_it_changed(desk, admin, december):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2026, individual="410.00",
                             subsidies=[("城乡低保对象", "130.00"), ("tuopin", "全额")], document=DOC)
    item = year(desk, 2026)
    values = by_code(item)
    assert item.entered
    assert (values["individual"].amount, values["individual"].status_name, values["individual"].source) == (
        "410.00", "已确认", DOC)
    assert values["individual"].bundled == "400.00（暂定）"
    assert (values["dibao"].amount, values["dibao"].bundled) == ("130.00", "120.00（暂定）")
    assert (values["tuopin"].amount, values["tuopin"].bundled) == ("全额", "180.00（暂定）")
    assert values["orphan"].bundled == "" and not values["orphan"].entered  # not entered: the table's own
    assert year(desk, 2025).entered is False


def test_history_rows_name_groups_in_chinese_and_keep_every_version(desk, admin, december):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00")
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("dibao", "150.00"), ("tekun", "full")], document=DOC)
    first, second = support.standard_history(desk, PACK)
    assert (first.year, first.individual, first.document, first.status_name) == (2027, "420.00", "（未填文件号）", "暂定")
    assert first.subsidies == "（未录入，按政策包表内金额）"
    assert second.subsidies == "城乡低保对象 150.00；特困供养人员 全额"
    assert (second.document, second.status_name, second.entered_by, second.entered_at) == (
        DOC, "已确认", "赵管理", "2026-12-01 09:30")
    shown = [first.subsidies, second.subsidies, first.status_name, second.status_name]
    assert not any(code in text for text in shown for code in CODES)


def test_the_dialog_starts_on_the_first_missing_year_else_next_year(desk, admin, december):
    form = support.standard_form(desk, PACK)
    assert (form.default_year, form.refusal) == (2027, "")
    assert [(group.name, group.table_amount) for group in form.groups[:1]] == [("特困供养人员", "全额")]
    assert {group.code: group.table_amount for group in form.groups}["dibao"] == "120.00"
    assert support.standard_prefill(desk, PACK, 2027) is None
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("tekun", "full"), ("dibao", "150.00")], document=DOC)
    assert support.standard_form(desk, PACK).default_year == 2027  # nothing missing: next year (2026 + 1)
    prefill = support.standard_prefill(desk, PACK, 2027)
    assert (prefill.individual, prefill.subsidies, prefill.document) == ("420.00", {"tekun": "全额", "dibao": "150.00"}, DOC)
    assert "不收个人缴费" in support.standard_form(desk, "huaibei-employee-2025").refusal


def test_the_notice_names_the_coming_year_and_the_missing_holiday_schedule(desk, admin, december):
    notices = support.admin_notices(desk)
    assert [notice.page for notice in notices] == ["packs", "calendar"]
    assert "2027年度个人缴费标准尚未录入" in notices[0].text and "系统管理 → 政策包 → 录入年度标准…" in notices[0].text
    assert "大理州城乡居民基本医疗保险" in notices[0].text
    assert "2027年的节假日安排尚未载入" in notices[1].text and "系统管理 → 节假日安排" in notices[1].text
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00", document=DOC)
    assert [notice.page for notice in support.admin_notices(desk)] == ["calendar"]


def test_holiday_years_this_year_and_from_october_on_next_year(desk, clock):
    assert support.holiday_years_missing(desk) == []  # 2026-03-10: 2026 ships
    clock.moment = datetime(2026, 9, 30, 17, 0)
    assert support.holiday_years_missing(desk) == []
    clock.moment = datetime(2026, 10, 1, 8, 0)
    assert support.holiday_years_missing(desk) == [2027]
    clock.moment = datetime(2027, 1, 4, 8, 0)
    assert support.holiday_years_missing(desk) == [2027]  # still not loaded in the new year
    assert 2027 not in calendar.published_years(desk)


def test_nothing_to_do_in_march_and_a_coming_year_from_90_days_before_its_collection(desk, clock):
    assert support.admin_notices(desk) == []  # 2026-03-10
    clock.moment = datetime(2026, 6, 3, 9, 0)  # 2026-09-01 less 90 days
    [notice] = support.admin_notices(desk)
    assert "2027年度" in notice.text and "2026-09-01 起集中参保" in notice.text


def test_packs_in_use_are_the_default_and_those_enrolled_under_recently(desk, staff, clerk, admin, clock):
    assert standards.packs_in_use(desk) == [PACK]
    person = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 3, 10))
    assert standards.packs_in_use(desk) == [PACK]  # the same pack once
    settings.update_settings(desk, admin, {"default_pack": "chuxiong-resident-2021"})
    assert standards.packs_in_use(desk) == ["chuxiong-resident-2021", PACK]
    clock.moment = datetime(2026, 12, 1, 9, 30)
    notices = [notice.text for notice in support.admin_notices(desk) if notice.page == "packs"]
    assert len(notices) == 1 and "大理州" in notices[0]  # 楚雄州's 2021 pack is for 2021 only: nothing to enter
