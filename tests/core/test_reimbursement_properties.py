"""Properties over random claim sequences (hypothesis): no fund is negative, funds never exceed
the policy-range amount, fund + personal part = total, and no cap is ever exceeded."""

from datetime import date, timedelta
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from desk.core.diseases import Catalogue
from desk.core.packs import PackRegistry
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFITS, Claim, PersonFacts, calculate_sequence
from desk.resources import resource_path

PACKS = PackRegistry.load_directory(resource_path("policies"))
DISEASES = ["M03900", "M01600", "M04600", "M05300", "M07803", "M02101", "M00504", "M99999", None]
ZERO = D("0.00")

fen = st.integers(min_value=0, max_value=30_000_000).map(lambda f: D(f) / 100)


@st.composite
def claims(draw, year_start: date):
    total = draw(fen)
    own = (D(draw(st.integers(0, int(total * 100)))) / 100).quantize(D("0.01"))
    pre = D(draw(st.integers(0, int((total - own) * 100)))) / 100
    return Claim(
        date=year_start + timedelta(days=draw(st.integers(0, 700))),
        benefit=draw(st.sampled_from(BENEFITS)),
        level=draw(st.sampled_from(LEVELS)),
        total=total,
        in_region=draw(st.booleans()),
        disease=draw(st.sampled_from(DISEASES)),
        procurement=draw(st.booleans()),
        fulamt_ownpay=own,
        preselfpay=pre.quantize(D("0.01")),
    )


def check_sequence(pack, person, sequence):
    results, _by_year = calculate_sequence(pack, Catalogue.from_pack(pack), person, sequence)
    totals: dict[int, dict[str, D]] = {}
    for result in results:
        for value in (result.hifp_pay, result.hifmi_pay, result.maf_pay, result.act_pay_dedc):
            assert value >= ZERO
        assert result.hifp_pay + result.hifmi_pay + result.maf_pay <= result.inscp_scp_amt
        assert result.fund_pay_sumamt + result.psn_part_amt == result.claim.total
        for amount in (result.hifp_pay, result.hifmi_pay, result.maf_pay):
            assert amount == amount.quantize(D("0.01"))
        if result.status != "ok":
            assert result.fund_pay_sumamt == ZERO
        year = totals.setdefault(result.claim.date.year, {"general": ZERO, "inp": ZERO, "critical": ZERO, "chronic": ZERO})
        if result.claim.benefit == "general_outpatient":
            year["general"] += result.hifp_pay
        if result.claim.benefit in ("inpatient", "special_outpatient"):
            year["inp"] += result.hifp_pay
            year["critical"] += result.hifmi_pay
        if result.claim.benefit == "chronic_outpatient":
            year["chronic"] += result.hifp_pay
    return totals


@settings(max_examples=150, deadline=None)
@given(st.lists(claims(date(2025, 1, 1)), max_size=25), st.sampled_from([(), ("dibao",), ("tekun",), ("tuopin",)]))
def test_dali_properties(sequence, groups):
    totals = check_sequence(PACKS.get("dali-resident-2025"), PersonFacts(groups=groups), sequence)
    for year in totals.values():
        assert year["general"] <= D("500.00")
        assert year["inp"] <= D("100000.00")
        assert year["chronic"] <= D("3600.00")
        if not groups or groups == ("tuopin",):
            assert year["critical"] <= D("300000.00")


@settings(max_examples=100, deadline=None)
@given(st.lists(claims(date(2024, 1, 1)), max_size=25), st.booleans())
def test_huaibei_employee_properties(sequence, retired):
    totals = check_sequence(PACKS.get("huaibei-employee-2025"), PersonFacts(scheme="employee", retired=retired), sequence)
    for year in totals.values():
        assert year["general"] <= (D("3000.00") if retired else D("2000.00"))


@settings(max_examples=100, deadline=None)
@given(st.lists(claims(date(2025, 1, 1)), max_size=20))
def test_huaibei_resident_properties(sequence):
    for year in check_sequence(PACKS.get("huaibei-resident-2025"), PersonFacts(), sequence).values():
        assert year["general"] <= D("150.00") and year["inp"] == ZERO
