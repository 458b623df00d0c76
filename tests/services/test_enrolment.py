from datetime import date, datetime
from decimal import Decimal

import pytest

from desk.core.errors import PermissionDenied, Refused, ValidationError
from desk.services import enrolment, persons
from desk.store.enrolments import enrolments_of
from desk.store.persons import get_person
from tests.conftest import person_form


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def resident(desk, clerk):
    return persons.register_person(desk, clerk, person_form(groups=[{"code": "dibao", "document": "低保证 532923-0012"}]))


def test_enrol_records_everything_and_issues_the_receipt(desk, clerk, resident):
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    [row] = enrolments_of(desk.db, resident.id)
    assert (row["individual_fen"], row["subsidy_fen"], row["payable_fen"]) == (40000, 12000, 28000)
    assert row["benefit_start"] == "2026-03-10" and row["subsidy_group"] == "dibao" and row["pack_id"] == "dali-resident-2025"
    assert row["operator_id"] == clerk.id and row["window"] == "1号窗口"
    assert result.receipt.number == "CB-20260310-0001"
    assert result.quote.payable == Decimal("280.00")


def test_waiting_period_uses_the_ledger_for_the_last_year(desk, clerk, resident, clock):
    enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="resident", year=2022, region_code="532900")
    persons.update_person(desk, clerk, resident.id, person_form(groups=[]))
    quote = enrolment.quote_for_person(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2025, 11, 1))
    assert quote.waiting_months == 5 and quote.benefit_start == date(2026, 6, 1)


def test_a_second_resident_enrolment_is_refused_pointing_to_the_first(desk, clerk, resident):
    enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    before = (count(desk, "enrolments"), count(desk, "vouchers"), count(desk, "audit_log"))
    with pytest.raises(Refused, match="已于2026-03-10办理2026年度城乡居民医保参保登记"):
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    assert (count(desk, "enrolments"), count(desk, "vouchers"), count(desk, "audit_log")) == before


def test_a_resident_enrolment_in_a_year_with_employee_insurance_is_refused(desk, clerk, resident):
    enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="employee", year=2026, region_code="532901")
    with pytest.raises(Refused, match="已参加职工基本医疗保险"):
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    assert count(desk, "enrolments") == 1  # only the employee record


def test_cancel_needs_a_reviewer_and_a_reason_and_keeps_the_record(desk, clerk, reviewer, resident):
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    with pytest.raises(PermissionDenied):
        enrolment.cancel_enrolment(desk, clerk, enrolment_id=result.enrolment_id, reason="录错")
    with pytest.raises(ValidationError):
        enrolment.cancel_enrolment(desk, reviewer, enrolment_id=result.enrolment_id, reason=" ")
    cancelled = enrolment.cancel_enrolment(desk, reviewer, enrolment_id=result.enrolment_id, reason="年度录错")
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "年度录错"
    with pytest.raises(Refused, match="不能重复作废"):
        enrolment.cancel_enrolment(desk, reviewer, enrolment_id=result.enrolment_id, reason="再来一次")
    again = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    assert len(enrolments_of(desk.db, resident.id)) == 2 and again.receipt.number == "CB-20260310-0002"


def test_payment_date_in_the_future_is_refused(desk, clerk, resident):
    with pytest.raises(ValidationError, match="不能晚于今天"):
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 11))


def test_a_year_without_a_standard_tells_the_clerk_who_can_fix_it(desk, clerk, resident, clock):
    clock.moment = datetime(2026, 11, 24, 10, 0)
    with pytest.raises(Exception, match="请管理员先录入该年度缴费标准"):
        enrolment.enrol(desk, clerk, person_id=resident.id, year=2027, paid_on=date(2026, 11, 24))
    assert count(desk, "enrolments") == 0


def test_certificate_lists_the_local_periods(desk, clerk, reviewer, resident):
    enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="resident", year=2024, region_code="532900")
    first = enrolment.enrol(desk, clerk, person_id=resident.id, year=2025, paid_on=date(2025, 1, 10))
    enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=first.enrolment_id, reason="重复缴费退费")
    payload = enrolment.certificate_payload(desk, get_person(desk.db, resident.id))
    assert [(p["year"], p["from"], p["months_paid"]) for p in payload["periods"]] == [(2024, "2024-01-01", 12), (2026, "2026-03-10", 12)]
    assert payload["person"]["id_number"] == resident.id_number


def test_the_enrolments_are_typed_with_amounts_and_the_operator(desk, clerk, reviewer, resident):
    result = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    [entry] = enrolment.enrolments_of(desk, reviewer, resident.id)
    assert (entry.id, entry.year, entry.scheme_name, entry.origin, entry.status) == (
        result.enrolment_id, 2026, "城乡居民基本医疗保险", "local", "active")
    assert (entry.individual, entry.subsidy, entry.payable) == (Decimal("400.00"), Decimal("120.00"), Decimal("280.00"))
    assert (entry.operator_id, entry.operator_name, entry.benefit_end) == (clerk.id, "李娜", "2026-12-31")
    cancelled = enrolment.cancel_enrolment(desk, reviewer, enrolment_id=result.enrolment_id, reason="年度录错")
    assert cancelled == enrolment.enrolments_of(desk, clerk, resident.id)[0]
    assert cancelled.cancelled_at == "2026-03-10T09:30:00" and cancelled.operator_name == "李娜"


def test_the_held_enrolment_is_what_a_second_one_would_double(desk, staff, clerk, reviewer, resident):
    assert enrolment.held_enrolment(desk, clerk, person_id=resident.id, year=2026) is None
    first = enrolment.enrol(desk, clerk, person_id=resident.id, year=2026, paid_on=date(2026, 3, 10))
    assert enrolment.held_enrolment(desk, clerk, person_id=resident.id, year=2026).id == first.enrolment_id
    assert enrolment.held_enrolment(desk, clerk, person_id=resident.id, year=2025) is None
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=first.enrolment_id, reason="年度录错")
    assert enrolment.held_enrolment(desk, clerk, person_id=resident.id, year=2026) is None
    employee = enrolment.record_external_enrolment(desk, clerk, person_id=resident.id, scheme="employee", year=2026,
                                                   region_code="532901")
    held = enrolment.held_enrolment(desk, clerk, person_id=resident.id, year=2026)
    assert (held.id, held.scheme, held.payable, held.paid_on) == (employee, "employee", Decimal("0.00"), None)
    with pytest.raises(PermissionDenied):
        enrolment.held_enrolment(desk, staff["admin"], person_id=resident.id, year=2026)
