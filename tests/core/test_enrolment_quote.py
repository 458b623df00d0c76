"""Every example of enrolment.md, plus the subsidy and waiting-period rules around them."""

from datetime import date
from decimal import Decimal

import pytest

from desk.core.enrolment import QuoteError, QuoteRequest, quote_enrolment
from desk.core.errors import ValidationError
from desk.core.packs import PackRegistry
from desk.resources import resource_path

PACKS = PackRegistry.load_directory(resource_path("policies"))
DALI = PACKS.get("dali-resident-2025")
ADULT = date(1990, 1, 1)


def quote(year=2026, paid_on="2026-01-10", last=None, birth=ADULT, **kwargs):
    return quote_enrolment(
        DALI, QuoteRequest(year=year, birth_date=birth, paid_on=date.fromisoformat(paid_on), last_enrolled_year=last, **kwargs)
    )


@pytest.mark.parametrize(
    "year, paid_on, last, other, start, waiting",
    [
        (2026, "2025-10-15", 2025, {}, "2026-01-01", 0),  # concentrated period, continuous
        (2026, "2026-02-27", 2025, {}, "2026-01-01", 0),  # period ends 2026-02-28
        (2026, "2026-03-10", 2025, {}, "2026-06-10", 3),  # outside, 3 months
        (2026, "2025-11-01", 2022, {}, "2026-06-01", 5),  # N = 3: 3 + 2 = 5 months from 2026-01-01
        (2026, "2025-11-01", 2020, {"arrears_years": 3}, "2026-07-01", 6),  # N = 5: 4, at least 6
        (2026, "2026-05-20", None, {"newborn": True, "birth": date(2026, 4, 1)}, "2026-04-01", 0),
        (2026, "2026-05-20", 2024, {"groups": ("dibao",)}, "2026-05-20", 0),  # exempt group, outside
    ],
)
def test_examples_of_the_spec(year, paid_on, last, other, start, waiting):
    result = quote(year, paid_on, last, **other)
    assert result.benefit_start.isoformat() == start
    assert result.waiting_months == waiting
    assert result.reason


@pytest.mark.parametrize(
    "paid_on, start",
    [
        ("2026-02-28", "2026-01-01"),  # last day of the period
        ("2026-03-01", "2026-06-01"),  # first day after it
        ("2025-09-01", "2026-01-01"),  # first day of the period
        ("2026-11-30", "2027-02-28"),  # 3 months later has no 30 February: the month's last day
    ],
)
def test_concentrated_period_boundaries(paid_on, start):
    assert quote(2026, paid_on, 2025).benefit_start.isoformat() == start


def test_period_end_follows_leap_years():
    # 2028 is a leap year: the period for benefit year 2028 ends on 29 February (no 2028 standard,
    # so check the rule through the period helper)
    from desk.core.enrolment import concentrated_period

    assert concentrated_period(DALI, 2028) == (date(2027, 9, 1), date(2028, 2, 29))


@pytest.mark.parametrize(
    "last, arrears, months",
    [(2024, 0, 3), (2024, 2, None), (2023, 0, 4), (2023, 1, 3), (2023, 2, 3), (2022, 0, 5), (2021, 0, 6), (2021, 3, 6), (2016, 0, 11)],
)
def test_break_formula(last, arrears, months):
    # N = 2026 - last - 1; W = 3 + (N - 1) - R, at least 3, and at least 6 when N >= 4
    if months is None:
        with pytest.raises(ValidationError):  # more arrears than missed years
            quote(2026, "2025-11-01", last, arrears_years=arrears)
        return
    assert quote(2026, "2025-11-01", last, arrears_years=arrears).waiting_months == months


def test_employee_insurance_ended_within_three_months_has_no_wait():
    inside = quote(2026, "2026-05-20", 2024, employee_ended_on=date(2026, 2, 20))
    assert (inside.benefit_start, inside.waiting_months) == (date(2026, 5, 20), 0)
    outside = quote(2026, "2026-05-21", 2024, employee_ended_on=date(2026, 2, 20))
    assert outside.waiting_months == 3 and outside.benefit_start == date(2026, 8, 21)


def test_newborn_after_90_days_waits_like_anyone():
    late = quote(2026, "2026-07-01", None, newborn=True, birth=date(2026, 4, 1))  # 91 days
    assert late.waiting_months == 3
    on_day_90 = quote(2026, "2026-06-30", None, newborn=True, birth=date(2026, 4, 1))
    assert on_day_90.benefit_start == date(2026, 4, 1)


@pytest.mark.parametrize(
    "groups, subsidy, group, payable",
    [
        ((), "0.00", None, "400.00"),
        (("dibao",), "120.00", "dibao", "280.00"),
        (("tekun",), "400.00", "tekun", "0.00"),  # full: the whole contribution of the year
        (("dibao", "tuopin"), "180.00", "tuopin", "220.00"),  # 就高
        (("tuopin", "fp_only_child_parent"), "180.00", "tuopin", "220.00"),  # equal: first in the table
        (("fp_only_child_parent", "tuopin"), "180.00", "tuopin", "220.00"),
        (("disabled_severe", "dibao"), "120.00", "disabled_severe", "280.00"),
        (("orphan", "tekun"), "400.00", "tekun", "0.00"),
    ],
)
def test_subsidy_is_the_highest_never_two(groups, subsidy, group, payable):
    result = quote(groups=groups)
    assert (str(result.subsidy), result.subsidy_group, str(result.payable)) == (subsidy, group, payable)
    assert result.individual == Decimal("400.00")


def test_age_conditions_are_judged_on_the_payment_date():
    eighteen_on_payment = date(2008, 1, 10)
    result = quote(paid_on="2026-01-10", birth=eighteen_on_payment, groups=("low_income_minor",))
    assert result.subsidy == Decimal("0.00") and result.subsidy_group is None
    assert not result.groups[0].applicable and "18" in result.groups[0].reason
    day_before = quote(paid_on="2026-01-09", birth=eighteen_on_payment, groups=("low_income_minor",))
    assert day_before.subsidy == Decimal("120.00")
    elderly = quote(paid_on="2026-01-10", birth=date(1966, 1, 11), groups=("low_income_elderly",))
    assert elderly.subsidy == Decimal("0.00")  # 59 on the payment date
    assert quote(paid_on="2026-01-10", birth=date(1966, 1, 10), groups=("low_income_elderly",)).subsidy == Decimal("120.00")


def test_a_group_that_fails_its_age_condition_does_not_exempt_from_waiting():
    result = quote(2026, "2026-05-20", 2024, birth=date(1990, 1, 1), groups=("low_income_minor",))
    assert result.waiting_months == 3


def test_provisional_sections_are_named():
    assert quote().provisional == ("contribution",)
    assert quote(groups=("dibao",)).provisional == ("contribution", "subsidies")


def test_a_year_without_a_standard_cannot_be_quoted():
    with pytest.raises(QuoteError, match="2027年度的个人缴费标准尚未录入"):
        quote(2027, "2026-10-10", 2026)


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"paid_on": "2025-08-31"}, "paid_on"),  # before the period opens
        ({"paid_on": "2027-01-01"}, "paid_on"),
        ({"last": 2026}, "last_enrolled_year"),
        ({"groups": ("nobody",)}, "groups"),
        ({"groups": ("dibao", "dibao")}, "groups"),
    ],
)
def test_bad_requests_name_the_field(kwargs, field):
    with pytest.raises(ValidationError) as caught:
        quote(**kwargs)
    assert caught.value.problems[0].field == field


def test_chuxiong_2021_contribution():
    pack = PACKS.get("chuxiong-resident-2021")
    result = quote_enrolment(
        pack, QuoteRequest(year=2021, birth_date=ADULT, paid_on=date(2020, 12, 1), last_enrolled_year=2020, groups=("tekun",))
    )
    assert (result.individual, result.subsidy, result.payable) == (Decimal("320.00"), Decimal("320.00"), Decimal("0.00"))
    assert result.provisional == ("collection", "waiting_period")


def test_a_wait_past_the_year_end_says_so():
    result = quote(2026, "2025-11-01", 2010)  # N = 15: 3 + 14 = 17 months from 2026-01-01
    assert result.waiting_months == 17 and result.benefit_start == date(2027, 6, 1)
    assert "本待遇年度内不能享受待遇" in result.reason
