"""报销计算 against hand-computed expectations: the worked example of reimbursement.md, then
every benefit, level, region, special group, status, and caps one fen below, at and above."""

from datetime import date
from decimal import Decimal as D

import pytest

from desk.core.diseases import Catalogue
from desk.core.packs import PackRegistry, parse_pack
from desk.core.reimbursement import Accumulators, Claim, PersonFacts, calculate, calculate_sequence
from desk.resources import resource_path

PACKS = PackRegistry.load_directory(resource_path("policies"))
DALI = PACKS.get("dali-resident-2025")
HB_RESIDENT = PACKS.get("huaibei-resident-2025")
HB_EMPLOYEE = PACKS.get("huaibei-employee-2025")


def claim(benefit, level, total, day="2025-05-01", **kwargs):
    amounts = {k: D(v) for k, v in kwargs.items() if k in ("fulamt_ownpay", "preselfpay")}
    rest = {k: v for k, v in kwargs.items() if k not in amounts}
    return Claim(date.fromisoformat(day), benefit, level, D(total), **amounts, **rest)


def run(pack, claims, person=None):
    results, _ = calculate_sequence(pack, Catalogue.from_pack(pack), person or PersonFacts(), claims)
    return results


def summary(result):
    return tuple(str(v) for v in (result.inscp_scp_amt, result.act_pay_dedc, result.hifp_pay, result.hifmi_pay, result.psn_part_amt))


def test_worked_example():
    results = run(DALI, [
        claim("inpatient", "level2", "30000.00", "2025-03-01", fulamt_ownpay="1000.00", preselfpay="2000.00"),
        claim("inpatient", "level3", "80000.00", "2025-06-01", in_region=False, fulamt_ownpay="5000.00", preselfpay="3000.00"),
        claim("general_outpatient", "township", "300.00", "2025-07-01"),
        claim("general_outpatient", "level2", "2000.00", "2025-07-02"),
        claim("chronic_outpatient", "level2", "2500.00", "2025-07-03", disease="M03900"),
        claim("special_outpatient", "level3", "5000.00", "2025-08-03", disease="M07803"),
    ])
    assert [summary(r) for r in results] == [
        ("27000.00", "400.00", "19950.00", "0.00", "10050.00"),
        ("72000.00", "700.00", "35650.00", "20040.00", "24310.00"),
        ("300.00", "0.00", "150.00", "0.00", "150.00"),
        ("2000.00", "0.00", "350.00", "0.00", "1650.00"),
        ("2500.00", "0.00", "1200.00", "0.00", "1300.00"),
        ("5000.00", "1200.00", "3420.00", "948.00", "632.00"),
    ]
    assert "政策范围内费用 27000.00 − 起付线 400.00 = 26600.00 × 75% = 19950.00" in results[0].steps[2]
    assert all(r.status == "ok" for r in results)


@pytest.mark.parametrize(
    "level, fund",
    [("village", "50.00"), ("township", "50.00"), ("community", "50.00"), ("level1", "50.00"), ("unrated", "50.00"),
     ("level2", "25.00"), ("level3", None), ("pharmacy", None)],
)
def test_dali_general_outpatient_levels(level, fund):
    [result] = run(DALI, [claim("general_outpatient", level, "100.00")])
    if fund is None:
        assert result.status == "not_covered" and result.psn_part_amt == D("100.00") and result.hifp_pay == D("0.00")
    else:
        assert result.status == "ok" and str(result.hifp_pay) == fund


@pytest.mark.parametrize("first_total, second_fund", [("999.98", "0.01"), ("1000.00", "0.00"), ("999.96", "0.02")])
def test_dali_general_outpatient_cap_boundary(first_total, second_fund):
    # cap 500.00 at 50%: a first visit of 999.98 pays 499.99, leaving one fen
    first, second = run(DALI, [claim("general_outpatient", "township", first_total), claim("general_outpatient", "village", "10.00")])
    assert first.hifp_pay + second.hifp_pay <= D("500.00")
    assert str(second.hifp_pay) == second_fund


def test_rounding_is_half_up_once_per_fund():
    [result] = run(DALI, [claim("general_outpatient", "level2", "0.02")])  # 0.02 × 25% = 0.005 → 0.01
    assert result.hifp_pay == D("0.01")
    [result] = run(DALI, [claim("general_outpatient", "level2", "0.01")])  # 0.0025 → 0.00
    assert result.hifp_pay == D("0.00")


@pytest.mark.parametrize(
    "level, in_region, total, dedc, fund",
    [
        ("township", True, "10000.00", "200.00", "8330.00"),  # (10000 − 200) × 85%
        ("community", True, "10000.00", "200.00", "8330.00"),
        ("unrated", True, "10000.00", "200.00", "8330.00"),
        ("level1", False, "10000.00", "200.00", "7350.00"),  # 75% out of region
        ("level2", True, "10000.00", "400.00", "7200.00"),
        ("level3", True, "10000.00", "700.00", "5580.00"),
        ("level3", True, "500.00", "500.00", "0.00"),  # deductible larger than the bill
        ("village", True, "10000.00", None, None),
        ("pharmacy", True, "10000.00", None, None),
    ],
)
def test_dali_inpatient(level, in_region, total, dedc, fund):
    [result] = run(DALI, [claim("inpatient", level, total, in_region=in_region)])
    if fund is None:
        assert result.status == "not_covered"
        return
    assert (str(result.act_pay_dedc), str(result.hifp_pay)) == (dedc, fund)


def test_deductible_is_per_admission():
    first, second = run(DALI, [claim("inpatient", "level2", "1000.00"), claim("inpatient", "level2", "1000.00")])
    assert first.act_pay_dedc == second.act_pay_dedc == D("400.00")
    assert first.hifp_pay == second.hifp_pay == D("450.00")


@pytest.mark.parametrize("left_before, expected", [("0.01", "0.01"), ("0.00", "0.00"), ("0.02", "0.02")])
def test_inpatient_and_special_share_the_annual_cap(left_before, expected):
    used = D("100000.00") - D(left_before)
    acc = Accumulators(inpatient_special_fund=used, critical_base=D("0"))
    result = calculate(DALI, Catalogue.from_pack(DALI), PersonFacts(), claim("inpatient", "level2", "1400.00"), acc)
    assert str(result.hifp_pay) == expected  # would be 750.00 without the cap


def test_chronic_caps_per_disease_and_together():
    claims = [claim("chronic_outpatient", "level2", "1999.98", disease="M03900"),  # 1199.99
              claim("chronic_outpatient", "level2", "100.00", disease="M03900"),  # one fen left
              claim("chronic_outpatient", "level2", "100.00", disease="M03900"),  # nothing left
              claim("chronic_outpatient", "level2", "2000.00", disease="M01600"),  # 1200.00
              claim("chronic_outpatient", "level2", "2000.00", disease="M04600"),  # 1200.00, total 3600.00 − 0.01
              claim("chronic_outpatient", "level2", "2000.00", disease="M05300")]  # total cap: 0.01 left
    funds = [str(r.hifp_pay) for r in run(DALI, claims)]
    assert funds == ["1199.99", "0.01", "0.00", "1200.00", "1200.00", "0.00"]


def test_chronic_total_cap_reached_exactly():
    claims = [claim("chronic_outpatient", "level1", "2000.00", disease=code) for code in ("M03900", "M01600", "M04600", "M05300")]
    funds = [str(r.hifp_pay) for r in run(DALI, claims)]
    assert funds == ["1200.00", "1200.00", "1200.00", "0.00"]


@pytest.mark.parametrize(
    "benefit, disease",
    [("chronic_outpatient", None), ("chronic_outpatient", "M99999"), ("chronic_outpatient", "M07803"),
     ("special_outpatient", "M03900"), ("two_diseases", "M04600")],
)
def test_disease_not_eligible(benefit, disease):
    [result] = run(DALI, [claim(benefit, "level2", "500.00", disease=disease)])
    assert result.status == "disease_not_eligible"
    assert (result.hifp_pay, result.psn_part_amt, result.delta) == (D("0.00"), D("500.00"), Accumulators())


@pytest.mark.parametrize(
    "level, procurement, fund",
    [("village", True, "80.00"), ("level1", True, "80.00"), ("unrated", True, "80.00"), ("level2", True, "60.00"),
     ("level3", True, "50.00"), ("pharmacy", True, "50.00"), ("village", False, "50.00"), ("level2", False, "50.00")],
)
def test_two_diseases_rates(level, procurement, fund):
    [result] = run(DALI, [claim("two_diseases", level, "100.00", disease="M01600", procurement=procurement)])
    assert str(result.hifp_pay) == fund


def test_special_outpatient_annual_deductible_across_visits_and_rates():
    first, second, third = run(DALI, [
        claim("special_outpatient", "level2", "1000.00", disease="M00504"),  # all deductible
        claim("special_outpatient", "level2", "1000.00", disease="M00504"),  # 200 left: (1000 − 200) × 70% = 560
        claim("special_outpatient", "level2", "1000.00", disease="M02101"),  # deductible used up: 90% = 900
    ])
    assert [(str(r.act_pay_dedc), str(r.hifp_pay)) for r in (first, second, third)] == [
        ("1000.00", "0.00"), ("200.00", "560.00"), ("0.00", "900.00")]


def test_critical_illness_segments_and_cap():
    # the basic cap is used up, so the whole 20700 enters the base: 190000 → 210700,
    # 10000 × 80% + 10700 × 85% = 17095, but only 1000 of the critical cap is left
    acc = Accumulators(critical_base=D("190000.00"), critical_fund=D("299000.00"), inpatient_special_fund=D("100000.00"))
    result = calculate(DALI, Catalogue.from_pack(DALI), PersonFacts(), claim("inpatient", "level3", "20700.00"), acc)
    assert result.hifp_pay == D("0.00")
    assert result.hifmi_pay == D("1000.00")
    assert result.delta.critical_base == D("20700.00")
    uncapped = calculate(DALI, Catalogue.from_pack(DALI), PersonFacts(), claim("inpatient", "level3", "20700.00"),
                         Accumulators(critical_base=D("190000.00"), inpatient_special_fund=D("100000.00")))
    assert uncapped.hifmi_pay == D("17095.00")


@pytest.mark.parametrize(
    "groups, base_before, self_pay, paid",
    [
        ((), "9999.99", "0.02", "0.01"),  # 0.01 above the threshold × 60% = 0.006 → 0.01
        ((), "0.00", "10000.00", "0.00"),  # reaching the threshold exactly pays nothing
        (("dibao",), "0.00", "10000.00", "3250.00"),  # threshold 5000, 65%: 5000 × 0.65
        (("tekun",), "45000.00", "10000.00", "7000.00"),  # 5000 × 65% + 5000 × 75%
        (("tuopin",), "45000.00", "10000.00", "6500.00"),  # not a special group: 5000 × 60% + 5000 × 70%
    ],
)
def test_critical_illness_by_hand(groups, base_before, self_pay, paid):
    acc = Accumulators(critical_base=D(base_before), inpatient_special_fund=D("100000.00"))  # basic fund exhausted
    result = calculate(DALI, Catalogue.from_pack(DALI), PersonFacts(groups=groups), claim("inpatient", "level2", self_pay), acc)
    assert str(result.hifmi_pay) == paid


def test_special_groups_have_no_critical_cap():
    acc = Accumulators(critical_base=D("500000.00"), critical_fund=D("400000.00"), inpatient_special_fund=D("100000.00"))
    result = calculate(DALI, Catalogue.from_pack(DALI), PersonFacts(groups=("dibao",)), claim("inpatient", "level2", "1000.00"), acc)
    assert result.hifmi_pay == D("900.00")  # 90% (85 + 5), no cap


def test_huaibei_resident():
    results = run(HB_RESIDENT, [claim("general_outpatient", "village", "200.00"),  # 120
                                claim("general_outpatient", "community", "100.00"),  # 60 → cap 150: 30
                                claim("general_outpatient", "level1", "100.00"),  # not covered
                                claim("inpatient", "level2", "100.00")])  # not configured
    assert [str(r.hifp_pay) for r in results] == ["120.00", "30.00", "0.00", "0.00"]
    assert [r.status for r in results] == ["ok", "ok", "not_covered", "not_covered"]


def test_huaibei_employee_accumulated_deductible():
    employee = PersonFacts(scheme="employee")
    results = run(HB_EMPLOYEE, [
        claim("general_outpatient", "community", "150.00"),  # borne 150 (D 150)
        claim("general_outpatient", "pharmacy", "100.00"),  # borne 50 (D 200): (100 − 50) × 60% = 30
        claim("general_outpatient", "level2", "500.00"),  # T 400: borne 200 (D 400): 300 × 50% = 150
        claim("general_outpatient", "level1", "100.00"),  # D ≥ 200: 60
    ], employee)
    assert [(str(r.act_pay_dedc), str(r.hifp_pay)) for r in results] == [
        ("150.00", "0.00"), ("50.00", "30.00"), ("200.00", "150.00"), ("0.00", "60.00")]


def test_huaibei_retiree_bonus_and_higher_cap():
    retiree = PersonFacts(scheme="employee", retired=True)
    acc = Accumulators(employee_deductible=D("400.00"), general_fund=D("2999.99"))
    result = calculate(HB_EMPLOYEE, Catalogue.from_pack(HB_EMPLOYEE), retiree, claim("general_outpatient", "level1", "100.00"), acc)
    assert result.hifp_pay == D("0.01")  # 70% would be 70.00; the retired cap 3000.00 leaves one fen
    fresh = calculate(HB_EMPLOYEE, Catalogue.from_pack(HB_EMPLOYEE), retiree, claim("general_outpatient", "level2", "1000.00"),
                      Accumulators(employee_deductible=D("400.00")))
    assert fresh.hifp_pay == D("600.00")  # 50 + 10 points
    in_service = calculate(HB_EMPLOYEE, Catalogue.from_pack(HB_EMPLOYEE), PersonFacts(scheme="employee"),
                           claim("general_outpatient", "level1", "100.00"), acc)
    assert in_service.hifp_pay == D("0.00")  # 2000.00 cap already passed


def test_scheme_mismatch():
    [result] = run(HB_EMPLOYEE, [claim("general_outpatient", "level1", "100.00")])  # a resident against the employee pack
    assert result.status == "scheme_mismatch" and result.psn_part_amt == D("100.00")


def test_accumulators_reset_each_calendar_year():
    first, second = run(DALI, [claim("general_outpatient", "village", "1000.00", "2025-12-31"),
                               claim("general_outpatient", "village", "1000.00", "2026-01-01")])
    assert first.hifp_pay == second.hifp_pay == D("500.00")


def test_medical_assistance_where_a_pack_configures_it():
    text = (resource_path("policies") / "dali-resident-2025.toml").read_text(encoding="utf-8")
    text += '\n[medical_assistance]\nsource = "test"\nstatus = "provisional"\nbenefits = ["inpatient"]\nannual_cap = "1000.00"\n' \
            '[medical_assistance.rates]\ndibao = "0.70"\ntekun = "1.00"\n'
    import tomllib

    from desk.core.packs_schema import SCHEMA

    assert "benefits" in SCHEMA["medical_assistance"]
    pack = parse_pack(tomllib.loads(text), "dali-resident-2025.toml")
    first, second = run(pack, [claim("inpatient", "level2", "2400.00"), claim("inpatient", "level2", "2400.00")],
                        PersonFacts(groups=("dibao",)))
    # (2400 − 400) × 75% = 1500; the person still bears 900 within the range; 70% = 630
    assert (first.hifp_pay, first.maf_pay) == (D("1500.00"), D("630.00"))
    assert second.maf_pay == D("370.00")  # the 1000.00 cap
    assert first.fund_pay_sumamt + first.psn_part_amt == first.claim.total
    [nobody] = run(pack, [claim("inpatient", "level2", "2400.00")])
    assert nobody.maf_pay == D("0.00")
