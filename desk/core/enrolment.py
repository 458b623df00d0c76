"""The enrolment quote: contribution, subsidy (就高), payable amount and benefit start.

Pure: the caller passes the pack and the facts; every number comes from the pack.
Rules: ../shared/spec/enrolment.md ("Contribution and subsidy", "Benefit start date").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from desk.core.dates import add_months, last_day_of_month
from desk.core.errors import DeskError, Problem, ValidationError
from desk.core.idnumber import age_on
from desk.core.money import ZERO, format_amount
from desk.core.packs import Pack, PackNotConfigured
from desk.core.standards import FULL, contribution_provenance, group_amount, group_provenance

# the names of an enrolment's codes, wherever they are shown (tabs, papers, the audit log)
SCHEME_NAMES = {"resident": "城乡居民基本医疗保险", "employee": "职工基本医疗保险"}
STATUS_NAMES = {"active": "有效", "cancelled": "已作废"}
ORIGIN_NAMES = {"local": "本地办理", "imported": "外部导入"}


class QuoteError(DeskError):
    """无法计算参保缴费。"""

    code = "quote"


class StandardMissing(QuoteError):
    """The benefit year has no individual contribution yet: an administrator must enter it (not the
    clerk's input: screens show it as a notice, not as a red field)."""

    code = "standard_missing"
    marks_field = False


@dataclass(frozen=True)
class QuoteRequest:
    year: int
    birth_date: date
    paid_on: date
    groups: tuple[str, ...] = ()
    last_enrolled_year: int | None = None
    newborn: bool = False
    employee_ended_on: date | None = None
    arrears_years: int = 0


@dataclass(frozen=True)
class GroupJudgement:
    code: str
    name: str
    applicable: bool
    amount: Decimal
    reason: str = ""


@dataclass(frozen=True)
class Quote:
    pack_id: str
    pack_version: str
    year: int
    individual: Decimal
    subsidy: Decimal
    subsidy_group: str | None
    subsidy_group_name: str | None
    payable: Decimal
    benefit_start: date
    waiting_months: int
    reason: str
    provisional: tuple[str, ...]
    groups: tuple[GroupJudgement, ...] = field(default_factory=tuple)
    in_concentrated_period: bool = False

    def as_json(self) -> dict:
        return {
            "individual": format_amount(self.individual),
            "subsidy": format_amount(self.subsidy),
            "subsidy_group": self.subsidy_group,
            "payable": format_amount(self.payable),
            "benefit_start": self.benefit_start.isoformat(),
            "waiting_months": self.waiting_months,
            "reason": self.reason,
            "provisional": list(self.provisional),
        }


# ------------------------------------------------------------ the period


def _rule_date(rule: tuple[int, int, int | None], year: int) -> date:
    offset, month, day = rule
    if day is None:
        return last_day_of_month(year + offset, month)
    return date(year + offset, month, day)


def concentrated_period(pack: Pack, year: int) -> tuple[date, date]:
    collection = pack.section("collection")
    return _rule_date(collection["period_start"], year), _rule_date(collection["period_end"], year)


def benefit_year_collected(pack: Pack, today: date) -> int:
    """The benefit year being collected today: next year once its concentrated period has begun."""
    if pack.has("collection") and concentrated_period(pack, today.year + 1)[0] <= today:
        return today.year + 1
    return today.year


# ------------------------------------------------------------ contribution and subsidy


def individual_contribution(pack: Pack, year: int) -> Decimal:
    try:
        table = pack.section("contribution")["individual"]
    except PackNotConfigured:
        raise QuoteError(f"政策包 {pack.id} 未配置个人缴费标准，不能办理参保登记。", field="pack") from None
    if str(year) not in table:
        raise StandardMissing(
            f"{year}年度的个人缴费标准尚未录入政策包 {pack.id}：请管理员先录入该年度缴费标准及其文件号"
            f"（系统管理 → 政策包 → 录入年度标准），录入后即可办理{year}年度参保。", field="year"
        )
    return table[str(year)]


def judge_groups(pack: Pack, codes: tuple[str, ...], birth_date: date, paid_on: date, individual: Decimal,
                 year: int):
    """Each claimed group with its amount for the benefit year (an administrator's entry for the year,
    else the pack's table), or not applicable with the reason (age judged on the payment date)."""
    if not codes:
        return ()
    known = {group["code"]: group for group in pack.section("subsidies")["groups"]}
    age = age_on(birth_date, paid_on)
    judgements = []
    for code in codes:
        group = known[code]
        table_amount = group_amount(pack, group, year)
        amount = individual if table_amount == FULL else min(table_amount, individual)
        if "min_age" in group and age < group["min_age"]:
            reason = f"缴费之日{age}周岁，未满{group['min_age']}周岁"
            judgements.append(GroupJudgement(code, group["name"], False, ZERO, reason))
        elif "max_age" in group and age >= group["max_age"]:
            reason = f"缴费之日已满{group['max_age']}周岁"
            judgements.append(GroupJudgement(code, group["name"], False, ZERO, reason))
        else:
            judgements.append(GroupJudgement(code, group["name"], True, amount))
    return tuple(judgements)


def highest_group(pack: Pack, judgements) -> GroupJudgement | None:
    """就高: the highest amount; between equals, the group listed first in the pack's table."""
    order = {group["code"]: index for index, group in enumerate(pack.section("subsidies")["groups"])}
    eligible = [j for j in judgements if j.applicable and j.amount > ZERO]
    if not eligible:
        return None
    return sorted(eligible, key=lambda j: (-j.amount, order[j.code]))[0]


# ------------------------------------------------------------ benefit start


@dataclass(frozen=True)
class _Start:
    day: date
    waiting_months: int
    reason: str


def _waiting_start(request: QuoteRequest, months: int, why: str) -> _Start:
    begin = max(request.paid_on, date(request.year, 1, 1))
    start = add_months(begin, months)
    reason = f"{why}，等待期{months}个月，自{begin.isoformat()}起算，{start.isoformat()}起享受待遇。"
    if start.year > request.year:
        reason += f"待遇开始日期已超出{request.year}年度，本待遇年度内不能享受待遇。"
    return _Start(start, months, reason)


def _no_wait(request: QuoteRequest, in_period: bool, why: str) -> _Start:
    if in_period:
        start = date(request.year, 1, 1)
        return _Start(start, 0, f"{why}，在集中参保期内缴费，不设等待期，自{start.isoformat()}起享受待遇。")
    return _Start(
        request.paid_on, 0, f"{why}，不设等待期；在集中参保期外缴费，自缴费之日{request.paid_on.isoformat()}起享受待遇。"
    )


def benefit_start(pack: Pack, request: QuoteRequest, applicable_groups: set[str], in_period: bool) -> _Start:
    rules = pack.section("waiting_period")
    if request.newborn and request.birth_date.year == request.year:
        age_days = (request.paid_on - request.birth_date).days
        if 0 <= age_days <= rules["newborn_days"]:
            return _Start(
                request.birth_date,
                0,
                f"新生儿出生后{rules['newborn_days']}天内参保（出生{age_days}天），自出生之日{request.birth_date.isoformat()}起享受待遇。",
            )
    if request.employee_ended_on is not None:
        gap_end = add_months(request.employee_ended_on, rules["employee_gap_months"])
        if request.employee_ended_on <= request.paid_on <= gap_end:
            why = f"职工医保于{request.employee_ended_on.isoformat()}中断后{rules['employee_gap_months']}个月内参加居民医保"
            return _no_wait(request, in_period, why)
    exempt = [code for code in rules["exempt_groups"] if code in applicable_groups]
    if exempt:
        names = {g["code"]: g["name"] for g in pack.section("subsidies")["groups"]}
        return _no_wait(request, in_period, f"属于{names[exempt[0]]}")
    return _continuity_start(rules, request, in_period)


def _continuity_start(rules, request: QuoteRequest, in_period: bool) -> _Start:
    last = request.last_enrolled_year
    missed = 0 if last is None else request.year - last - 1
    if missed == 0:
        why = "首次参保" if last is None else f"上年度（{last}年）已参保，连续参保"
        if in_period:
            start = date(request.year, 1, 1)
            return _Start(start, 0, f"{why}，在集中参保期内缴费，自{start.isoformat()}起享受待遇。")
        return _waiting_start(request, rules["outside_period_months"], f"{why}，在集中参保期外缴费")
    months = rules["break_base_months"] + (missed - 1) - request.arrears_years
    floor = rules["minimum_months"]
    floor_note = ""
    if missed >= rules["long_break_years"]:
        floor = max(floor, rules["long_break_minimum_months"])
        floor_note = f"中断{rules['long_break_years']}年及以上的不少于{rules['long_break_minimum_months']}个月"
    else:
        floor_note = f"不少于{floor}个月"
    formula = f"{rules['break_base_months']}+({missed}-1)"
    if request.arrears_years:
        formula += f"-{request.arrears_years}（补缴{request.arrears_years}年）"
    computed = months
    months = max(months, floor)
    why = f"上次参保为{last}年，中断{missed}年，按 {formula} 计 {computed}个月"
    if months != computed:
        why += f"，{floor_note}"
    return _waiting_start(request, months, why)


# ------------------------------------------------------------ the quote


def validate_request(pack: Pack, request: QuoteRequest) -> None:
    problems: list[Problem] = []
    period_start, _ = concentrated_period(pack, request.year)
    if request.paid_on < period_start:
        problems.append(
            Problem(
                "paid_on",
                "before_period",
                f"缴费日期{request.paid_on.isoformat()}早于{request.year}年度集中参保期开始日{period_start.isoformat()}，请核对缴费日期或待遇年度。",
            )
        )
    if request.paid_on > date(request.year, 12, 31):
        problems.append(Problem("paid_on", "after_year", f"缴费日期晚于{request.year}年度，请核对缴费日期或待遇年度。"))
    if request.paid_on < request.birth_date:
        problems.append(Problem("paid_on", "before_birth", "缴费日期早于出生日期，请核对。"))
    if request.last_enrolled_year is not None and request.last_enrolled_year >= request.year:
        problems.append(
            Problem("last_enrolled_year", "not_before", f"上次参保年度应早于待遇年度{request.year}年，请核对。")
        )
    missed = 0 if request.last_enrolled_year is None else request.year - request.last_enrolled_year - 1
    if request.arrears_years < 0 or request.arrears_years > max(missed, 0):
        problems.append(
            Problem("arrears_years", "range", f"补缴年数应在0到中断年数{max(missed, 0)}之间，请核对。")
        )
    known = {group["code"] for group in pack.section("subsidies")["groups"]} if pack.has("subsidies") else set()
    for code in request.groups:
        if code not in known:
            problems.append(Problem("groups", "unknown_group", f"资助类别“{code}”不在政策包 {pack.id} 的资助类别中，请核对。"))
    if len(set(request.groups)) != len(request.groups):
        problems.append(Problem("groups", "duplicate_group", "资助类别有重复，请每类只选一次。"))
    if problems:
        raise ValidationError(problems)


def quote_enrolment(pack: Pack, request: QuoteRequest) -> Quote:
    individual = individual_contribution(pack, request.year)
    if not pack.has("waiting_period"):
        raise QuoteError(f"政策包 {pack.id} 未配置待遇等待期规则，不能办理参保登记。", field="pack")
    validate_request(pack, request)
    judgements = judge_groups(pack, request.groups, request.birth_date, request.paid_on, individual, request.year)
    best = highest_group(pack, judgements)
    subsidy = best.amount if best else ZERO
    period_start, period_end = concentrated_period(pack, request.year)
    in_period = period_start <= request.paid_on <= period_end
    applicable = {j.code for j in judgements if j.applicable}
    start = benefit_start(pack, request, applicable, in_period)
    provisional = provisional_sections(pack, request.year, judgements)
    return Quote(
        pack_id=pack.id,
        pack_version=pack.version,
        year=request.year,
        individual=individual,
        subsidy=subsidy,
        subsidy_group=best.code if best else None,
        subsidy_group_name=best.name if best else None,
        payable=max(individual - subsidy, ZERO),
        benefit_start=start.day,
        waiting_months=start.waiting_months,
        reason=start.reason,
        provisional=tuple(provisional),
        groups=judgements,
        in_concentrated_period=in_period,
    )


def provisional_sections(pack: Pack, year: int, judgements=()) -> tuple[str, ...]:
    """The pack sections this quote used whose values are provisional (shown as 暂定).

    The contribution counts by the year's own value (an administrator's entry with its document is
    confirmed); the subsidies by the amounts of the claimed groups that apply, each for the year."""
    provisional = []
    if contribution_provenance(pack, year).provisional:
        provisional.append("contribution")
    applicable = [j.code for j in judgements if j.applicable]
    if applicable and any(group_provenance(pack, code, year).provisional for code in applicable):
        provisional.append("subsidies")
    elif judgements and not applicable and pack.section("subsidies").provenance.provisional:
        provisional.append("subsidies")  # the groups' rules themselves (ages) come from the table
    for name in ("collection", "waiting_period"):
        if pack.section(name).is_provisional():
            provisional.append(name)
    return tuple(provisional)
