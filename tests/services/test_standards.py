"""Annual standards entered by an administrator (policy-packs.md; issue "The year turns")."""

from __future__ import annotations

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest

from desk.core.enrolment import StandardMissing
from desk.core.errors import PermissionDenied, ValidationError
from desk.screens import common
from desk.services import enrolment, operators, persons, standards
from desk.services import vouchers as voucher_service
from desk.services.context import Desk
from tests.conftest import person_form
from tests.vouchers.pdf_helpers import compact, pdf_text

PACK = "dali-resident-2025"
DOC = "云医保〔2026〕88号"


@pytest.fixture
def season(clock):
    clock.moment = datetime(2026, 12, 1, 9, 30)  # in the concentrated period for 2027


@pytest.fixture
def admin(staff):
    return staff["admin"]


@pytest.fixture
def resident(desk, clerk, season):
    return persons.register_person(desk, clerk, person_form(groups=[{"code": "dibao", "document": "低保证 532923-0012"}]))


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_2027_cannot_be_enrolled_until_the_administrator_enters_it(desk, clerk, resident):
    with pytest.raises(StandardMissing, match="请管理员先录入该年度缴费标准") as refused:
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 12, 1))
    assert refused.value.marks_field is False  # a notice for the clerk, no red field
    assert count(desk, "enrolments") == 0
    assert standards.missing_years(desk, PACK) == [2027]


def test_entered_2027_is_quoted_and_enrolled_with_hand_computed_payable(desk, clerk, admin, resident):
    now = standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                                   subsidies=[("dibao", "150.00")], document=DOC)
    assert now.individual.amount == "420.00" and now.individual.status == "confirmed" and now.individual.source == DOC
    dibao = {value.code: value for value in now.subsidies}["dibao"]
    assert (dibao.amount, dibao.status) == ("150.00", "confirmed")
    tuopin = {value.code: value for value in now.subsidies}["tuopin"]
    assert (tuopin.amount, tuopin.status) == ("180.00", "provisional")  # not entered: the table's, provisional

    quote = enrolment.quote_for_person(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 12, 1))
    # 420.00 individual - 150.00 低保 subsidy = 270.00; paid in the concentrated period: from 2027-01-01
    assert (quote.individual, quote.subsidy, quote.payable) == (Decimal("420.00"), Decimal("150.00"), Decimal("270.00"))
    assert quote.benefit_start == date(2027, 1, 1)
    assert quote.provisional == ()  # contribution and the applied group's amount both confirmed by the document

    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 12, 1))
    row = desk.db.execute("SELECT individual_fen, subsidy_fen, payable_fen, provisional_json FROM enrolments").fetchone()
    assert row == (42000, 15000, 27000, "[]")
    text = compact(pdf_text(voucher_service.render(desk, result.receipt.number)))
    assert "420.00" in text and "270.00" in text and DOC in text
    assert "暂定" not in text
    assert standards.missing_years(desk, PACK) == []


def test_without_a_document_the_year_stays_provisional_on_the_receipt(desk, clerk, admin, resident):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00")
    quote = enrolment.quote_for_person(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 12, 1))
    # dibao keeps the table's 120.00 (provisional); 420.00 - 120.00 = 300.00
    assert quote.payable == Decimal("300.00")
    assert quote.provisional == ("contribution", "subsidies")
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 12, 1))
    assert "暂定" in compact(pdf_text(voucher_service.render(desk, result.receipt.number)))


def test_full_subsidy_entered_for_a_group_covers_the_whole_contribution(desk, clerk, admin, season):
    person = persons.register_person(desk, clerk, person_form(groups=[{"code": "tuopin", "document": "脱贫户 0001"}]))
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00",
                             subsidies=[("已脱贫人口", "全额")], document=DOC)
    quote = enrolment.quote_for_person(desk, clerk, person_id=person.id, year=2027, paid_on=date(2026, 12, 1))
    assert (quote.subsidy, quote.payable) == (Decimal("420.00"), Decimal("0.00"))


def test_entries_are_versions_never_overwritten_the_latest_in_force(desk, clerk, admin, resident):
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="420.00", document=DOC)
    standards.enter_standard(desk, admin, pack_id=PACK, year=2027, individual="430.00", document="云医保〔2026〕99号")
    history = standards.standards_history(desk, PACK)
    assert [(e.year, e.individual, e.document) for e in history] == [
        (2027, Decimal("420.00"), DOC), (2027, Decimal("430.00"), "云医保〔2026〕99号")]
    assert standards.year_in_force(desk, PACK, 2027).individual.amount == "430.00"
    with pytest.raises(Exception, match="append-only"), desk.transaction():
        desk.db.execute("UPDATE annual_standards SET individual_fen = 1")
    actions = [row[0] for row in desk.db.execute("SELECT action FROM audit_log WHERE action = 'standard.enter'")]
    assert actions == ["standard.enter", "standard.enter"]
    # the bundled years are untouched
    assert standards.year_in_force(desk, PACK, 2026).individual.amount == "400.00"


def test_two_administrators_at_once_both_kept_the_later_in_force(desk, admin, season, tmp_path, clock):
    second_admin = operators.create_operator(desk, admin, username="admin2", display_name="钱管理", role="admin",
                                             temporary_password="Admin2027", require_change=False)
    other = Desk.open(desk.path, clock=clock)
    errors = []

    def enter(where, who, amount):
        try:
            standards.enter_standard(where, who, pack_id=PACK, year=2027, individual=amount, document=DOC)
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=enter, args=(desk, admin, "420.00")),
               threading.Thread(target=enter, args=(other, second_admin, "425.00"))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    other.close()
    assert errors == []
    history = standards.standards_history(desk, PACK)
    assert sorted(e.individual for e in history) == [Decimal("420.00"), Decimal("425.00")]
    assert standards.year_in_force(desk, PACK, 2027).individual.amount == str(history[-1].individual)


def test_a_clerk_cannot_enter_a_standard(desk, clerk, season):
    with pytest.raises(PermissionDenied, match="维护政策包"):
        standards.enter_standard(desk, clerk, pack_id=PACK, year=2027, individual="420.00", document=DOC)
    assert count(desk, "annual_standards") == 0


@pytest.mark.parametrize("kwargs, field, text", [
    ({"individual": "-1"}, "individual", "不能为负数"),
    ({"individual": "420.001"}, "individual", "最多两位小数"),
    ({"individual": "0"}, "individual", "大于0"),
    ({"individual": "４２０．００"}, None, None),  # full-width digits are the same amount
    ({"year": 2024}, "year", "早于政策包"),
    ({"year": "99999"}, "year", "四位年份"),
    ({"year": 2040}, "year", "太远"),
    ({"subsidies": [("nobody", "1.00")]}, "subsidy", "没有资助类别"),
    ({"subsidies": [("dibao", "500.00")]}, "subsidy", "超过个人缴费标准"),
    ({"subsidies": [("dibao", "1"), ("城乡低保对象", "2")]}, "subsidy", "填了两次"),
    ({"document": "文" * 101}, "document", "太长"),
    ({"document": "云医保\x00"}, "document", "控制字符"),
])
def test_bad_values_name_the_field_and_write_nothing(desk, admin, season, kwargs, field, text):
    values = {"pack_id": PACK, "year": 2027, "individual": "420.00", "document": DOC, **kwargs}
    if field is None:
        assert standards.enter_standard(desk, admin, **values).individual.amount == "420.00"
        return
    with pytest.raises(ValidationError) as refused:
        standards.enter_standard(desk, admin, **values)
    assert field in {p.field for p in refused.value.problems} and text in refused.value.message
    assert count(desk, "annual_standards") == 0


def test_every_problem_at_once(desk, admin, season):
    with pytest.raises(ValidationError) as refused:
        standards.enter_standard(desk, admin, pack_id=PACK, year=2024, individual="-1", subsidies=[("x", "1")])
    assert {p.field for p in refused.value.problems} == {"year", "individual", "subsidy"}


def test_unknown_pack_is_refused(desk, admin, season):
    with pytest.raises(ValidationError, match="没有编号为 nowhere"):
        standards.enter_standard(desk, admin, pack_id="nowhere", year=2027, individual="420.00")


@pytest.mark.parametrize("today, year", [
    (date(2026, 8, 31), 2026),   # the 2027 period has not begun
    (date(2026, 9, 1), 2027),    # it begins: the default is the year it pays for
    (date(2026, 12, 31), 2027),
    (date(2027, 2, 28), 2027),   # last day of the 2027 period (and of February, 2027 no leap year)
    (date(2027, 3, 1), 2027),    # after the period: the current benefit year
    (date(2028, 2, 29), 2028),   # leap year end of the 2028 period
    (date(2028, 3, 1), 2028),
])
def test_the_default_benefit_year_follows_the_concentrated_period(desk, clock, today, year):
    clock.moment = datetime(today.year, today.month, today.day, 10, 0)
    assert common.default_benefit_year(desk) == year
