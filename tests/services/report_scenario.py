"""A day's business for the 日报表 tests, created through the services, with the expected figures
summed here from what the services returned (never read back from the report's own queries).

Day 2026-03-10 (the fixtures' clock): two clerks and a reviewer enrol, cancel (one enrolment of
the day, one of the day before), accept filings (complete, incomplete), approve and reject,
record settlements and reverse one, accept transfers and complete two. Records on 2026-03-09
and 2026-03-11 must not count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from desk.core.idnumber import make_id_number
from desk.services import chronic, enrolment, operators, persons, reimbursement, transfer
from desk.store.settlements import AMOUNT_COLUMNS
from tests.conftest import person_form

DAY = date(2026, 3, 10)
ALL_CHRONIC = ["id_document", "application_form", "diagnosis", "examinations"]
INPATIENT = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
             "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}
OUTPATIENT = {"date": "2026-03-05", "benefit": "general_outpatient", "level": "township", "in_region": True,
              "total": "380.00", "fulamt_ownpay": "20.00", "preselfpay": "0.00"}
TRANSFER_IN = {
    "id_type": "居民身份证", "name": "张伟", "phone": "13987654321",
    "household_place": "云南省昆明市五华区", "applicant_status": "流动就业", "address": "大理市下关镇建设路8号",
    "direction": "in", "scope": "province",
    "out_region_code": "530100", "out_office": "昆明市医疗保险管理局", "out_phone": "0871-63100000",
    "in_region_code": "532900", "in_office": "大理州医疗保障事业管理局",
    "former_personal_number": "53010012345678", "employee_medical": True, "enterprise_pension": True,
}
NATIONAL = {"scope": "national", "out_region_code": "340600", "out_office": "淮北市医疗保障局"}


def zero_amounts(keys) -> dict:
    return {key: Decimal("0.00") for key in keys}


@dataclass
class Expected:
    """Per operator id: what the day's report must say."""

    enrolled: dict = field(default_factory=dict)  # id -> [count, individual, subsidy, payable]
    cancelled: dict = field(default_factory=dict)
    filings: dict = field(default_factory=dict)  # id -> {accepted, awaiting, approved, rejected}
    settled: dict = field(default_factory=dict)  # id -> [count, {column: amount}]
    reversed: dict = field(default_factory=dict)
    transfers: dict = field(default_factory=dict)  # id -> {accepted, awaiting, completed, pooled, personal}
    vouchers: list = field(default_factory=list)  # (operator id, number) in issue order on DAY

    def enrol(self, operator, quote, sign=1, into=None):
        line = (into if into is not None else self.enrolled).setdefault(operator.id, [0, Decimal(0), Decimal(0), Decimal(0)])
        line[0] += sign
        line[1] += sign * quote.individual
        line[2] += sign * quote.subsidy
        line[3] += sign * quote.payable

    def count_filing(self, operator, key):
        counts = self.filings.setdefault(operator.id, {"accepted": 0, "awaiting": 0, "approved": 0, "rejected": 0})
        counts[key] += 1

    def settle(self, operator, result, sign=1):
        target = self.settled if sign > 0 else self.reversed
        line = target.setdefault(operator.id, [0, zero_amounts(AMOUNT_COLUMNS)])
        line[0] += sign
        for key, value in result.amounts().items():
            line[1][key] += sign * value

    def count_transfer(self, operator, key, pooled=Decimal(0), personal=Decimal(0)):
        line = self.transfers.setdefault(operator.id, {"accepted": 0, "awaiting": 0, "completed": 0,
                                                       "pooled": Decimal(0), "personal": Decimal(0)})
        line[key] += 1
        line["pooled"] += pooled
        line["personal"] += personal

    def issued(self, operator, *voucher_objects):
        self.vouchers += [(operator.id, v.number) for v in voucher_objects if v is not None]


def _person(desk, clerk, serial: int, **overrides):
    id_number = make_id_number("532923", date(1960 + serial, 6, 1), 400 + serial)
    return persons.register_person(desk, clerk, person_form(id_number, name=f"测试{'甲乙丙丁戊己庚辛'[serial]}", **overrides))


def _apply(desk, operator, serial: int, materials, **overrides):
    form = dict(TRANSFER_IN, id_number=make_id_number("530102", date(1980 + serial, 7, 15), 100 + serial), **overrides)
    return transfer.apply(desk, operator, form=form, materials=materials)


def build_day(desk, staff, clock) -> tuple[Expected, dict]:
    """Create the three days of business; return the expectations of DAY and the operators."""
    admin, clerk, reviewer = staff["admin"], staff["clerk"], staff["reviewer"]
    clerk2 = operators.create_operator(desk, admin, username="clerk02", display_name="段志刚", role="clerk",
                                       temporary_password="Clerk2026", require_change=False)
    people = {"clerk": clerk, "clerk2": clerk2, "reviewer": reviewer, "admin": admin}
    expected = Expected()

    # ---- the day before: none of this counts
    clock.moment = datetime(2026, 3, 9, 15, 0)
    earlier = _person(desk, clerk, 0)
    earlier_enrolment = enrolment.enrol(desk, clerk, person_id=earlier.id, year=2026, paid_on=date(2026, 1, 10))
    reimbursement.record_settlement(desk, clerk, person_id=earlier.id, claim_form=INPATIENT)
    pending = _apply(desk, clerk, 0, ["id_document", "pension_letter"]).transfer

    # ---- the day
    clock.moment = datetime(2026, 3, 10, 9, 5)
    insured = []
    for serial, operator, groups in ((1, clerk, []), (2, clerk, [{"code": "dibao", "document": "低保证 532923-0012"}]),
                                     (3, clerk, []), (4, clerk2, [])):
        person = _person(desk, clerk, serial, groups=groups)
        result = enrolment.enrol(desk, operator, person_id=person.id, year=2026, paid_on=date(2026, 1, 10))
        expected.enrol(operator, result.quote)
        expected.issued(operator, result.receipt)
        insured.append((person, result))
    clock.moment = datetime(2026, 3, 10, 10, 0)
    # cancelled: one of today's (the second person's), one of yesterday's
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=insured[1][1].enrolment_id, reason="重复登记")
    expected.enrol(reviewer, insured[1][1].quote, -1, expected.cancelled)
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=earlier_enrolment.enrolment_id, reason="信息有误")
    expected.enrol(reviewer, earlier_enrolment.quote, -1, expected.cancelled)

    first, third, fourth = insured[0][0], insured[2][0], insured[3][0]
    accepted = chronic.accept_filing(desk, clerk, person_id=first.id, disease_code="M03900", kind="chronic",
                                     materials=ALL_CHRONIC)
    expected.count_filing(clerk, "accepted")
    expected.issued(clerk, accepted.voucher)  # the 受理回执
    waiting = chronic.accept_filing(desk, clerk, person_id=third.id, disease_code="M03900", kind="chronic",
                                    materials=["id_document"])
    expected.count_filing(clerk, "awaiting")
    expected.issued(clerk, waiting.voucher)
    to_reject = chronic.accept_filing(desk, clerk2, person_id=fourth.id, disease_code="M03900", kind="chronic",
                                      materials=ALL_CHRONIC)
    expected.count_filing(clerk2, "accepted")
    expected.issued(clerk2, to_reject.voucher)
    approved = chronic.approve_filing(desk, reviewer, filing_id=accepted.filing.id)
    expected.count_filing(reviewer, "approved")
    expected.issued(reviewer, approved.voucher)
    rejected = chronic.reject_filing(desk, reviewer, filing_id=to_reject.filing.id, reason="诊断依据不足，不符合认定标准")
    expected.count_filing(reviewer, "rejected")
    expected.issued(reviewer, rejected.voucher)

    clock.moment = datetime(2026, 3, 10, 11, 0)
    settled = []
    for operator, person, claim in ((clerk, first, INPATIENT), (clerk, first, OUTPATIENT), (clerk2, fourth, INPATIENT)):
        recorded = reimbursement.record_settlement(desk, operator, person_id=person.id, claim_form=claim)
        expected.settle(operator, recorded.result)
        expected.issued(operator, recorded.voucher)
        settled.append(recorded)
    reversal = reimbursement.reverse_settlement(desk, reviewer, settlement_id=settled[0].settlement_id, reason="发票重复报销")
    expected.settle(reviewer, settled[0].result, -1)
    expected.issued(reviewer, reversal.voucher)

    clock.moment = datetime(2026, 3, 10, 14, 30)
    complete = _apply(desk, clerk, 1, ["id_document", "pension_letter"])
    expected.count_transfer(clerk, "accepted")
    expected.issued(clerk, *complete.issued)
    waiting_transfer = _apply(desk, clerk2, 2, ["id_document"], **NATIONAL)
    expected.count_transfer(clerk2, "awaiting")
    expected.issued(clerk2, *waiting_transfer.issued)
    for row, pooled, personal in ((pending, "8650.40", "3210.00"), (complete.transfer, "1200.55", "0.00")):
        transfer.advance(desk, reviewer, transfer_id=row.id, action="to_out_review")
        transfer.advance(desk, reviewer, transfer_id=row.id, action="to_in_review")
        transfer.complete(desk, reviewer, transfer_id=row.id, pooled_fund=pooled, personal_account=personal)
        expected.count_transfer(reviewer, "completed", Decimal(pooled), Decimal(personal))

    # ---- the day after: none of this counts either
    clock.moment = datetime(2026, 3, 11, 9, 0)
    later = _person(desk, clerk, 5)
    enrolment.enrol(desk, clerk2, person_id=later.id, year=2026, paid_on=date(2026, 3, 11))
    enrolment.cancel_enrolment(desk, reviewer, enrolment_id=insured[0][1].enrolment_id, reason="登记有误")
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=settled[2].settlement_id, reason="金额录入错误")
    _apply(desk, clerk, 3, ["id_document", "pension_letter"])
    clock.moment = datetime(2026, 3, 11, 17, 0)
    return expected, people
