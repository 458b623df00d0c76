import json
from datetime import date, datetime
from decimal import Decimal as D

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from desk.core.errors import PermissionDenied, Refused, ValidationError
from desk.core.reimbursement import Accumulators
from desk.services import chronic, enrolment, operators, persons, reimbursement, vouchers
from tests.conftest import person_form

INPATIENT = {"date": "2026-03-01", "benefit": "inpatient", "level": "level2", "in_region": True,
             "total": "30000.00", "fulamt_ownpay": "1000.00", "preselfpay": "2000.00"}


def count(desk, table):
    return desk.db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


@pytest.fixture
def insured(desk, clerk):
    record = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 1, 10))  # from 2026-01-01
    return record


def test_record_matches_the_worked_example_and_the_ledger_holds_fen(desk, clerk, insured):
    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    assert (recorded.result.hifp_pay, recorded.result.psn_part_amt) == (D("19950.00"), D("10050.00"))
    row = desk.db.execute("SELECT hifp_pay_fen, psn_part_amt_fen, pack_id, pack_version FROM settlements").fetchone()
    assert row == (1995000, 1005000, "dali-resident-2025", "2025.1")
    assert recorded.voucher.number == "JS-20260310-0001"
    acc = reimbursement.accumulators(desk, insured.id, 2026)
    assert (acc.inpatient_special_fund, acc.critical_base) == (D("19950.00"), D("7050.00"))


def test_the_tab_and_desk_calc_agree(desk, clerk, insured):
    second = dict(INPATIENT, date="2026-03-05", level="level3", in_region=False, total="80000.00", fulamt_ownpay="5000.00",
                  preselfpay="3000.00")
    reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    tab = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=second).result.as_json()
    headless = reimbursement.calculate_json(desk.packs, {"pack": "dali-resident-2025", "claims": [INPATIENT, second]})[1]
    assert tab == headless


@pytest.mark.parametrize(
    "change, words",
    [
        ({"date": "2025-12-31"}, "没有有效的参保登记"),
        ({"benefit": "chronic_outpatient", "disease": "M03900"}, "未申请此病种"),
        ({"total": "-1"}, "不能为负数"),
        ({"total": "1.234"}, "格式不正确"),
        ({"fulamt_ownpay": "40000.00"}, "不能大于总费用"),
        ({"benefit": "dental"}, "待遇类别"),
        ({"level": "level9"}, "医疗机构等级"),
        ({"date": "2026-02-30"}, "不是有效日期"),
        ({"date": "2024-06-01"}, "不适用"),
    ],
)
def test_refused_before_calculation_nothing_written(desk, clerk, insured, change, words):
    before = [count(desk, t) for t in ("settlements", "vouchers", "audit_log")]
    with pytest.raises((Refused, ValidationError), match=words):
        reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=dict(INPATIENT, **change))
    assert [count(desk, t) for t in ("settlements", "vouchers", "audit_log")] == before


def test_waiting_period_refusal_says_since_when(desk, clerk):
    record = persons.register_person(desk, clerk, person_form("532901199001011230", name="段二"))
    enrolment.enrol(desk, clerk, person_id=record.id, year=2026, paid_on=date(2026, 3, 10))  # from 2026-06-10
    with pytest.raises(Refused, match="待遇自 2026-06-10 起"):
        reimbursement.preview(desk, clerk, person_id=record.id, claim_form=dict(INPATIENT, date="2026-03-10"))


def test_chronic_needs_an_approval_valid_on_the_date(desk, clerk, reviewer, insured, clock):
    filing = chronic.accept_filing(desk, clerk, person_id=insured.id, disease_code="M03900", kind="chronic",
                                   materials=["id_document", "application_form", "diagnosis", "examinations"]).filing
    form = {"date": "2026-03-10", "benefit": "chronic_outpatient", "level": "level2", "disease": "M03900", "total": "2500.00"}
    with pytest.raises(Refused, match="已受理"):
        reimbursement.preview(desk, clerk, person_id=insured.id, claim_form=form)
    chronic.approve_filing(desk, reviewer, filing_id=filing.id)
    with pytest.raises(Refused, match="认定自 2026-03-10 起生效"):
        reimbursement.preview(desk, clerk, person_id=insured.id, claim_form=dict(form, date="2026-03-09"))
    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=form)
    assert recorded.result.hifp_pay == D("1200.00")
    assert desk.db.execute("SELECT filing_id FROM settlements").fetchone()[0] == filing.id


def test_reversal_four_eyes_mirror_and_later_amounts_kept(desk, clerk, reviewer, staff, insured, clock):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    second = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=dict(INPATIENT, date="2026-03-02"))
    with pytest.raises(PermissionDenied):
        reimbursement.reverse_settlement(desk, clerk, settlement_id=first.settlement_id, reason="金额录入错误")
    own = reimbursement.record_settlement(desk, reviewer, person_id=insured.id, claim_form=dict(INPATIENT, date="2026-03-03"))
    with pytest.raises(Refused, match="须由另一位审核员冲正"):
        reimbursement.reverse_settlement(desk, reviewer, settlement_id=own.settlement_id, reason="金额录入错误")
    reversal = reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="发票重复报销")
    assert reversal.voucher.number.startswith("CZ-")
    rows = {r.id: r for r in reimbursement.settlements_of(desk, clerk, person_id=insured.id, year=2026)}
    assert rows[reversal.settlement_id].amounts["hifp_pay"] == D("-19950.00") and rows[reversal.settlement_id].reverses_id == first.settlement_id
    assert rows[first.settlement_id].amounts["hifp_pay"] == D("19950.00")  # the original stays
    assert rows[second.settlement_id].amounts["hifp_pay"] == second.result.hifp_pay  # later ones keep their amounts
    with pytest.raises(Refused, match="不能重复冲正"):
        reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="再冲一次")
    with pytest.raises(Refused, match="冲正记录本身"):
        reimbursement.reverse_settlement(desk, reviewer, settlement_id=reversal.settlement_id, reason="再冲一次")


def test_year_usage_shows_what_is_left(desk, clerk, insured):
    reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    usage = {c.name: c for c in reimbursement.year_usage(desk, clerk, person_id=insured.id, year=2026)}
    assert usage["住院与门诊特殊病年度限额"].left == D("80050.00")
    assert usage["普通门诊（门诊统筹）年度限额"].left == D("500.00")
    assert usage["大病保险年度限额"].left == D("300000.00")


def test_statement_pdf_explains_every_amount(desk, clerk, insured):
    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    payload = json.loads(desk.db.execute("SELECT payload_json FROM vouchers WHERE number = ?", [recorded.voucher.number]).fetchone()[0])
    assert payload["amounts"]["hifp_pay"] == "19950.00" and payload["pack_id"] == "dali-resident-2025"
    assert any("26600.00 × 75% = 19950.00" in step for step in payload["steps"])
    assert vouchers.verify(desk, recorded.voucher.number, recorded.voucher.code).genuine


CLAIMS = st.fixed_dictionaries({
    "benefit": st.sampled_from(["inpatient", "general_outpatient", "special_outpatient"]),
    "level": st.sampled_from(["township", "level2", "level3", "village"]),
    "total": st.integers(1, 8_000_000).map(lambda fen: f"{fen / 100:.2f}"),
    "day": st.integers(1, 60),
})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(CLAIMS, min_size=1, max_size=8), st.data())
def test_a_reversal_restores_exactly_the_accumulators_without_that_claim(tmp_path_factory, sequence, data):
    from desk.services.context import Desk

    clock = lambda: datetime(2026, 3, 10, 9, 0)  # noqa: E731
    desk = Desk.open(tmp_path_factory.mktemp("ledger") / "desk.db", clock=clock)
    admin = operators.create_first_administrator(desk, username="admin", display_name="管", password="Admin2026")
    clerk = operators.create_operator(desk, admin, username="c1", display_name="甲", role="clerk", temporary_password="Clerk2026")
    reviewer = operators.create_operator(desk, admin, username="r1", display_name="乙", role="reviewer", temporary_password="Review2026")
    person = persons.register_person(desk, clerk, person_form())
    enrolment.enrol(desk, clerk, person_id=person.id, year=2026, paid_on=date(2026, 1, 10))
    chronic_free = [dict(item) for item in sequence if item["benefit"] != "special_outpatient"] or [dict(sequence[0], benefit="inpatient")]
    ids, deltas = [], []
    for item in chronic_free:
        form = {"date": date(2026, 1, item["day"] % 28 + 1).isoformat(), "benefit": item["benefit"], "level": item["level"],
                "total": item["total"]}
        recorded = reimbursement.record_settlement(desk, clerk, person_id=person.id, claim_form=form)
        ids.append(recorded.settlement_id)
        deltas.append(recorded.result.delta)
    victim = data.draw(st.integers(0, len(ids) - 1))
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=ids[victim], reason="测试冲正")
    expected = Accumulators()
    for index, delta in enumerate(deltas):
        if index != victim:
            expected = expected.plus(delta)
    assert reimbursement.accumulators(desk, person.id, 2026) == expected
    desk.close()


# The settlement columns migration m003 created, written out by hand: m003 is frozen (a database in use
# already has exactly these), whatever the live amount list in desk.store.settlements becomes.
M003_SETTLEMENT_COLUMNS = [
    "id", "entry", "reverses_id", "person_id", "enrolment_id", "filing_id", "year", "service_date", "benefit", "level",
    "disease_code", "status", "pack_id", "pack_version", "medfee_sumamt_fen", "fulamt_ownpay_amt_fen",
    "preselfpay_amt_fen", "inscp_scp_amt_fen", "act_pay_dedc_fen", "hifp_pay_fen", "hifmi_pay_fen", "maf_pay_fen",
    "fund_pay_sumamt_fen", "psn_part_amt_fen", "inputs_json", "steps_json", "delta_json", "provisional_json", "reason",
    "operator_id", "window", "created_at",
]


def test_migration_m003_creates_exactly_its_frozen_columns(monkeypatch):
    import sqlite_utils

    from desk.store import settlements
    from desk.store.migrations import migrations

    monkeypatch.setattr(settlements, "AMOUNT_COLUMNS", (*settlements.AMOUNT_COLUMNS, "new_amount"))  # a live change
    db = sqlite_utils.Database(memory=True)
    migrations.apply(db, stop_before="m004_holiday_schedules")
    assert [m.name for m in migrations.applied(db)][-1] == "m003_settlements"
    assert [column.name for column in db["settlements"].columns] == M003_SETTLEMENT_COLUMNS


def test_the_live_amount_columns_are_the_ledgers_and_the_results(desk):
    from desk.core.reimbursement import RESULT_KEYS
    from desk.store.settlements import AMOUNT_COLUMNS, COLUMNS

    fen = [column.name for column in desk.db["settlements"].columns if column.name.endswith("_fen")]
    assert fen == [f"{name}_fen" for name in AMOUNT_COLUMNS] and set(AMOUNT_COLUMNS) == set(RESULT_KEYS)
    assert set(COLUMNS) | {"id"} == {column.name for column in desk.db["settlements"].columns}


# ------------------------------------------------------------ duplicate bills (issue 13 item 5)

BILL = dict(INPATIENT, institution="大理州人民医院", invoice_number="FP20260301", admission_date="2026-02-20")


def test_the_bill_identity_is_stored_and_printed(desk, clerk, insured):
    from desk.services.integrity import check_database
    from tests.vouchers.pdf_helpers import between, compact, pdf_text

    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id,
                                               claim_form=dict(BILL, invoice_number=" ｆｐ２０２６０３０１ "))
    row = desk.db.execute("SELECT institution_name, invoice_number, admission_date, service_date FROM settlements").fetchone()
    assert row == ("大理州人民医院", "FP20260301", "2026-02-20", "2026-03-01")
    flat = compact(pdf_text(vouchers.render(desk, recorded.voucher.number)))
    block = between(flat, "参保人及就诊信息", "费用结算")
    assert "医疗机构名称大理州人民医院" in block and "发票号（收据号）FP20260301" in block
    assert "住院日期2026-02-20至2026-03-01" in block
    assert vouchers.verify(desk, recorded.voucher.number, recorded.voucher.code).genuine
    assert check_database(desk).sound  # the new columns are sealed with the row


def test_the_same_invoice_is_refused_naming_the_earlier_statement(desk, clerk, insured, clock):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    clock.moment = datetime(2026, 3, 12, 10, 0)
    before = (count(desk, "settlements"), count(desk, "vouchers"), count(desk, "audit_log"))
    # another hospital, another day and total: the invoice number alone refuses it (typed in lower case)
    again = dict(INPATIENT, date="2026-03-05", total="500.00", fulamt_ownpay="0.00", preselfpay="0.00",
                 institution="另一家医院", invoice_number="fp20260301")
    with pytest.raises(Refused) as caught:
        reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=again, confirm_similar=True)
    assert caught.value.field == "invoice_number"
    assert caught.value.message == (
        f"发票号 FP20260301 已于 2026-03-10 结算（结算单编号 {first.voucher.number}，总费用 30000.00 元），"
        "同一张票据不能重复报销。如那笔结算有误，须先由审核员冲正，再重新记录。")
    assert first.voucher.number == "JS-20260310-0001"
    assert (count(desk, "settlements"), count(desk, "vouchers"), count(desk, "audit_log")) == before  # nothing written


def test_the_same_invoice_of_another_person_is_not_a_duplicate(desk, clerk, insured):
    other = persons.register_person(desk, clerk, person_form("110101199003074514"))
    enrolment.enrol(desk, clerk, person_id=other.id, year=2026, paid_on=date(2026, 1, 10))
    reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    assert reimbursement.record_settlement(desk, clerk, person_id=other.id, claim_form=BILL).settlement_id


def test_a_reversed_settlement_frees_its_invoice(desk, clerk, reviewer, insured):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="总费用录入错误")
    # the mirror entry carries the invoice too, but neither it nor the reversed settlement blocks it
    assert desk.db.execute("SELECT COUNT(*) FROM settlements WHERE invoice_number = 'FP20260301'").fetchone()[0] == 2
    again = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    assert again.settlement_id > first.settlement_id
    with pytest.raises(Refused, match=f"结算单编号 {again.voucher.number}"):  # now the new one holds it
        reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)


@pytest.mark.parametrize("change", [
    {"invoice_number": "FP20260399"},  # another invoice number
    {"invoice_number": None},  # none typed
    {"institution": "大理州人民医院 ", "invoice_number": ""},  # the name typed with a space, no number
    {"admission_date": None, "invoice_number": "X-0001"},  # the admission date left out: cannot tell them apart
])
def test_a_bill_like_an_earlier_one_needs_confirming(desk, clerk, insured, change):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    form = {key: value for key, value in dict(BILL, **change).items() if value is not None}
    before = count(desk, "settlements")
    with pytest.raises(reimbursement.SimilarBill) as caught:
        reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=form)
    assert isinstance(caught.value, Refused) and caught.value.code == "similar_bill"
    [earlier] = caught.value.earlier
    assert (earlier.settlement_id, earlier.statement_number, earlier.recorded_on) == (first.settlement_id, "JS-20260310-0001",
                                                                                      "2026-03-10")
    assert "2026-03-10 结算单 JS-20260310-0001（大理州人民医院，2026-02-20 至 2026-03-01，总费用 30000.00 元，发票号 FP20260301）" \
        in caught.value.message
    assert count(desk, "settlements") == before
    confirmed = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=form, confirm_similar=True)
    entry = desk.db.execute("SELECT detail_json FROM audit_log WHERE action = 'settlement.record' ORDER BY id DESC LIMIT 1"
                            ).fetchone()[0]
    assert json.loads(entry)["confirmed_similar"] == [first.settlement_id]
    assert confirmed.settlement_id != first.settlement_id


@pytest.mark.parametrize("change", [
    {"institution": "大理州第二人民医院"},
    {"date": "2026-03-02"},
    {"admission_date": "2026-02-21"},
    {"total": "30000.01"},
    {"institution": None},  # no institution: nothing to compare
])
def test_a_different_bill_is_not_questioned(desk, clerk, insured, change):
    reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    form = {key: value for key, value in dict(BILL, invoice_number="FP-OTHER", **change).items() if value is not None}
    assert reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=form).settlement_id


def test_a_reversed_bill_is_not_questioned_again(desk, clerk, reviewer, insured):
    first = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL)
    reimbursement.reverse_settlement(desk, reviewer, settlement_id=first.settlement_id, reason="发票号录入错误")
    assert reimbursement.record_settlement(desk, clerk, person_id=insured.id,
                                           claim_form=dict(BILL, invoice_number="FP20260302")).settlement_id


def test_confirm_similar_must_be_a_flag(desk, clerk, insured):
    with pytest.raises(ValidationError):
        reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=BILL, confirm_similar="yes")


def test_a_settlement_sealed_before_m008_keeps_its_seal(desk, clerk, insured):
    """m008 added three NULL columns to every older settlement: the seal an older desk computed over the row
    without them must still be the row's seal, or `desk check` would name every old settlement as altered."""
    import hashlib

    from desk.services.integrity import check_database
    from desk.store.audit import canonical_json
    from desk.store.seals import seal

    recorded = reimbursement.record_settlement(desk, clerk, person_id=insured.id, claim_form=INPATIENT)
    row = dict(desk.db.execute_returning_dicts("SELECT * FROM settlements WHERE id = ?", [recorded.settlement_id])[0])
    older = {key: value for key, value in row.items() if key not in ("institution_name", "invoice_number", "admission_date")}
    assert hashlib.sha256(canonical_json(older).encode("utf-8")).hexdigest() == seal(desk.db, "settlement",
                                                                                       recorded.settlement_id)
    assert check_database(desk).sound
