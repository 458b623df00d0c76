"""报销计算: what the basic fund, critical-illness insurance and medical assistance pay for one
claim, given the pack and the year's accumulators (reimbursement.md). Pure and exact.

Every number comes from the pack; a benefit the pack does not configure is not paid. round()
is ROUND_HALF_UP to 0.01, applied once per fund component, nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from desk.core.diseases import Catalogue
from desk.core.money import ZERO, round_fen
from desk.core.money import format_amount as fmt
from desk.core.packs import Pack

BENEFITS = ("general_outpatient", "chronic_outpatient", "special_outpatient", "two_diseases", "inpatient")
BENEFIT_NAMES = {
    "general_outpatient": "普通门诊",
    "chronic_outpatient": "门诊慢性病",
    "special_outpatient": "门诊特殊病",
    "two_diseases": "两病门诊用药",
    "inpatient": "住院",
}
LEVEL_NAMES = {
    "village": "村卫生室", "township": "乡镇卫生院", "community": "社区卫生服务中心", "level1": "一级",
    "unrated": "未定级", "level2": "二级", "level3": "三级", "pharmacy": "定点零售药店",
}
DISEASE_KIND_OF = {"chronic_outpatient": "chronic", "special_outpatient": "special", "two_diseases": "two_diseases"}
RESULT_KEYS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc", "hifp_pay", "hifmi_pay",
    "maf_pay", "fund_pay_sumamt", "psn_part_amt",
)


@dataclass(frozen=True)
class Claim:
    date: date
    benefit: str
    level: str
    total: Decimal
    in_region: bool = True
    disease: str | None = None
    procurement: bool = False
    fulamt_ownpay: Decimal = ZERO
    preselfpay: Decimal = ZERO
    # which bill this is (the duplicate checks, the statement); never used by the calculation
    institution: str | None = None  # 医疗机构名称
    invoice_number: str | None = None  # 发票号/收据号, canonical (ASCII, upper case)
    admission_date: date | None = None  # 入院日期 (inpatient; `date` is then the discharge date)

    @property
    def policy_range(self) -> Decimal:
        return self.total - self.fulamt_ownpay - self.preselfpay


@dataclass(frozen=True)
class PersonFacts:
    scheme: str = "resident"
    retired: bool = False
    groups: tuple[str, ...] = ()


@dataclass(frozen=True)
class Accumulators:
    """One person's running totals for one calendar year; rebuilt from the ledger, never cached."""

    general_fund: Decimal = ZERO  # general outpatient fund paid
    employee_deductible: Decimal = ZERO  # outpatient pooling deductible borne (employee)
    chronic_fund: tuple[tuple[str, Decimal], ...] = ()  # per chronic disease
    special_deductible: Decimal = ZERO  # special outpatient annual deductible borne
    inpatient_special_fund: Decimal = ZERO  # shares the inpatient annual cap
    two_diseases_fund: Decimal = ZERO
    critical_base: Decimal = ZERO  # policy-range self-pay of inpatient and special outpatient
    critical_fund: Decimal = ZERO
    assistance_fund: Decimal = ZERO

    def chronic_of(self, code: str) -> Decimal:
        return dict(self.chronic_fund).get(code, ZERO)

    @property
    def chronic_total(self) -> Decimal:
        return sum((amount for _, amount in self.chronic_fund), ZERO)

    def plus(self, delta: Accumulators, sign: int = 1) -> Accumulators:
        chronic = dict(self.chronic_fund)
        for code, amount in delta.chronic_fund:
            chronic[code] = chronic.get(code, ZERO) + sign * amount
        return Accumulators(
            general_fund=self.general_fund + sign * delta.general_fund,
            employee_deductible=self.employee_deductible + sign * delta.employee_deductible,
            chronic_fund=tuple(sorted(chronic.items())),
            special_deductible=self.special_deductible + sign * delta.special_deductible,
            inpatient_special_fund=self.inpatient_special_fund + sign * delta.inpatient_special_fund,
            two_diseases_fund=self.two_diseases_fund + sign * delta.two_diseases_fund,
            critical_base=self.critical_base + sign * delta.critical_base,
            critical_fund=self.critical_fund + sign * delta.critical_fund,
            assistance_fund=self.assistance_fund + sign * delta.assistance_fund,
        )

    def as_json(self) -> dict:
        result = {key: fmt(getattr(self, key)) for key in (
            "general_fund", "employee_deductible", "special_deductible", "inpatient_special_fund", "two_diseases_fund",
            "critical_base", "critical_fund", "assistance_fund")}
        result["chronic_fund"] = {code: fmt(amount) for code, amount in self.chronic_fund}
        return result

    @classmethod
    def from_json(cls, data: dict) -> Accumulators:
        values = {key: Decimal(value) for key, value in data.items() if key != "chronic_fund"}
        chronic = tuple(sorted((code, Decimal(amount)) for code, amount in data.get("chronic_fund", {}).items()))
        return cls(chronic_fund=chronic, **values)


@dataclass(frozen=True)
class Result:
    status: str
    claim: Claim
    inscp_scp_amt: Decimal
    act_pay_dedc: Decimal = ZERO
    hifp_pay: Decimal = ZERO
    hifmi_pay: Decimal = ZERO
    maf_pay: Decimal = ZERO
    steps: tuple[str, ...] = ()
    delta: Accumulators = field(default_factory=Accumulators)
    provisional: tuple[str, ...] = ()

    @property
    def fund_pay_sumamt(self) -> Decimal:
        return self.hifp_pay + self.hifmi_pay + self.maf_pay

    @property
    def psn_part_amt(self) -> Decimal:
        return self.claim.total - self.fund_pay_sumamt

    def amounts(self) -> dict[str, Decimal]:
        return {
            "medfee_sumamt": self.claim.total,
            "fulamt_ownpay_amt": self.claim.fulamt_ownpay,
            "preselfpay_amt": self.claim.preselfpay,
            "inscp_scp_amt": self.inscp_scp_amt,
            "act_pay_dedc": self.act_pay_dedc,
            "hifp_pay": self.hifp_pay,
            "hifmi_pay": self.hifmi_pay,
            "maf_pay": self.maf_pay,
            "fund_pay_sumamt": self.fund_pay_sumamt,
            "psn_part_amt": self.psn_part_amt,
        }

    def as_json(self) -> dict:
        result = {key: fmt(value) for key, value in self.amounts().items()}
        result["steps"] = list(self.steps)
        result["status"] = self.status
        return result


STATUS_TEXT = {
    "not_covered": "政策包未配置该待遇或该机构等级，不予支付",
    "disease_not_eligible": "病种缺失、不在目录中或与待遇类别不符，不予支付",
    "scheme_mismatch": "参保人险种与政策包不一致，不予支付",
}


def _refused(claim: Claim, status: str, detail: str) -> Result:
    steps = (f"{BENEFIT_NAMES.get(claim.benefit, claim.benefit)}：{detail}。", f"个人负担 = 总费用 {fmt(claim.total)}。")
    return Result(status, claim, claim.policy_range, steps=steps)


def _pct(rate: Decimal) -> str:
    text = f"{rate * 100:.2f}".rstrip("0").rstrip(".")
    return f"{text}%"


def _cap_step(label: str, cap: Decimal, used: Decimal, computed: Decimal, paid: Decimal) -> str:
    left = max(cap - used, ZERO)
    text = f"{label} {fmt(cap)}，本年已用 {fmt(used)}，剩余 {fmt(left)}"
    return text + ("" if paid == computed else f"，本次按剩余额度支付 {fmt(paid)}")


@dataclass
class _Work:
    """What one benefit computed: the fund, the deductible borne, the steps, the accumulator change."""

    fund: Decimal = ZERO
    deductible: Decimal = ZERO
    steps: list[str] = field(default_factory=list)
    delta: Accumulators = field(default_factory=Accumulators)
    status: str = "ok"
    detail: str = ""
    provisional: list[str] = field(default_factory=list)


# ------------------------------------------------------------ the benefits


def _general_resident(pack: Pack, claim: Claim, acc: Accumulators, E: Decimal) -> _Work:
    section = pack.section("general_outpatient")
    rate = section.get("rates", {}).get(claim.level)
    if rate is None:
        return _Work(status="not_covered", detail=f"{LEVEL_NAMES[claim.level]}不在普通门诊报销范围内")
    computed = round_fen(E * rate)
    cap = section["annual_cap"]
    fund = min(computed, max(cap - acc.general_fund, ZERO))
    steps = [f"普通门诊（{LEVEL_NAMES[claim.level]}）：政策范围内费用 {fmt(E)} × {_pct(rate)} = {fmt(computed)}",
             _cap_step("普通门诊年度限额", cap, acc.general_fund, computed, fund)]
    return _Work(fund, ZERO, steps, Accumulators(general_fund=fund))


def _general_employee(pack: Pack, person: PersonFacts, claim: Claim, acc: Accumulators, E: Decimal) -> _Work:
    section = pack.section("general_outpatient")
    group = next((g for g in section.get("level_groups", {}).values() if claim.level in g["levels"]), None)
    if group is None:
        return _Work(status="not_covered", detail=f"{LEVEL_NAMES[claim.level]}不在门诊统筹支付范围内")
    threshold = group["deductible_threshold"]
    borne = min(E, max(ZERO, threshold - acc.employee_deductible))
    rate = group["rate"] + (section.get("retiree_rate_bonus", ZERO) if person.retired else ZERO)
    cap = section["retiree_annual_cap"] if person.retired and "retiree_annual_cap" in section else section["annual_cap"]
    computed = round_fen((E - borne) * rate)
    fund = min(computed, max(cap - acc.general_fund, ZERO))
    who = "退休人员" if person.retired else "在职职工"
    steps = [
        f"门诊统筹（{LEVEL_NAMES[claim.level]}，{who}）：本年已累计起付 {fmt(acc.employee_deductible)}，"
        f"该等级起付标准 {fmt(threshold)}，本次负担起付 {fmt(borne)}",
        f"统筹基金：({fmt(E)} − {fmt(borne)}) × {_pct(rate)} = {fmt(computed)}",
        _cap_step("门诊统筹年度限额", cap, acc.general_fund, computed, fund),
    ]
    return _Work(fund, borne, steps, Accumulators(general_fund=fund, employee_deductible=borne))


def _chronic(pack: Pack, claim: Claim, acc: Accumulators, E: Decimal, disease) -> _Work:
    section = pack.section("chronic_outpatient")
    rate = section["rate"]
    computed = round_fen(E * rate)
    disease_cap = disease.annual_cap
    used_disease, used_total = acc.chronic_of(disease.code), acc.chronic_total
    fund = computed
    steps = [f"门诊慢性病 {disease.code} {disease.name}：政策范围内费用 {fmt(E)} × {_pct(rate)} = {fmt(computed)}"]
    provisional = []
    if disease_cap is not None:
        fund = min(fund, max(disease_cap - used_disease, ZERO))
        steps.append(_cap_step("该病种年度限额", disease_cap, used_disease, computed, fund))
        if section.is_provisional("disease_annual_cap") and disease.annual_cap == section.get("disease_annual_cap"):
            provisional.append("disease_annual_cap")
    if "total_annual_cap" in section:
        before = fund
        fund = min(fund, max(section["total_annual_cap"] - used_total, ZERO))
        steps.append(_cap_step("慢性病合计年度限额", section["total_annual_cap"], used_total, before, fund))
    return _Work(fund, ZERO, steps, Accumulators(chronic_fund=((disease.code, fund),)), provisional=provisional)


def _two_diseases(pack: Pack, claim: Claim, acc: Accumulators, E: Decimal, disease) -> _Work:
    section = pack.section("two_diseases")
    rate = section["rate"]
    procured = claim.procurement and claim.level in section.get("procurement_rates", {})
    if procured:
        rate = section["procurement_rates"][claim.level]
    computed = round_fen(E * rate)
    how = f"集采药品，{LEVEL_NAMES[claim.level]}" if procured else "非集采药品" if not claim.procurement else LEVEL_NAMES[claim.level]
    steps = [f"两病门诊用药 {disease.code} {disease.name}（{how}）：政策范围内费用 {fmt(E)} × {_pct(rate)} = {fmt(computed)}"]
    fund = computed
    if "annual_cap" in section:
        fund = min(computed, max(section["annual_cap"] - acc.two_diseases_fund, ZERO))
        steps.append(_cap_step("两病年度限额", section["annual_cap"], acc.two_diseases_fund, computed, fund))
    else:
        steps.append("两病保障政策未设年度限额。")
    return _Work(fund, ZERO, steps, Accumulators(two_diseases_fund=fund))


def _shared_cap(pack: Pack) -> Decimal | None:
    return pack.section("inpatient")["annual_cap"] if pack.has("inpatient") and "annual_cap" in pack.section("inpatient") else None


def _special(pack: Pack, claim: Claim, acc: Accumulators, E: Decimal, disease) -> _Work:
    section = pack.section("special_outpatient")
    deductible = section["annual_deductible"]
    borne = min(E, max(deductible - acc.special_deductible, ZERO))
    rate = disease.rate if disease.rate is not None else section["rate"]
    computed = round_fen((E - borne) * rate)
    steps = [
        f"门诊特殊病 {disease.code} {disease.name}：年度起付线 {fmt(deductible)}，本年已负担 {fmt(acc.special_deductible)}，"
        f"本次负担 {fmt(borne)}",
        f"统筹基金：({fmt(E)} − {fmt(borne)}) × {_pct(rate)} = {fmt(computed)}",
    ]
    fund = computed
    cap = _shared_cap(pack)
    if cap is not None:
        fund = min(computed, max(cap - acc.inpatient_special_fund, ZERO))
        steps.append(_cap_step("住院与门诊特殊病共用年度限额", cap, acc.inpatient_special_fund, computed, fund))
    return _Work(fund, borne, steps, Accumulators(special_deductible=borne, inpatient_special_fund=fund))


def _inpatient(pack: Pack, claim: Claim, acc: Accumulators, E: Decimal) -> _Work:
    section = pack.section("inpatient")
    mapped = section.get("level_map", {}).get(claim.level)
    level = section.get("levels", {}).get(mapped) if mapped else None
    if level is None:
        return _Work(status="not_covered", detail=f"{LEVEL_NAMES[claim.level]}不在住院报销范围内")
    borne = min(E, level["deductible"])
    rate = level["rate"]
    where = "统筹区内"
    if not claim.in_region:
        rate = max(rate - section.get("out_of_region_rate_cut", ZERO), ZERO)
        where = f"统筹区外，比例降低{_pct(section.get('out_of_region_rate_cut', ZERO))}"
    computed = round_fen((E - borne) * rate)
    steps = [
        f"住院（{LEVEL_NAMES[mapped]}医疗机构，{where}）：起付线 {fmt(level['deductible'])}，报销比例 {_pct(rate)}",
        f"统筹基金：政策范围内费用 {fmt(E)} − 起付线 {fmt(borne)} = {fmt(E - borne)} × {_pct(rate)} = {fmt(computed)}",
    ]
    fund = computed
    if "annual_cap" in section:
        fund = min(computed, max(section["annual_cap"] - acc.inpatient_special_fund, ZERO))
        steps.append(_cap_step("住院与门诊特殊病共用年度限额", section["annual_cap"], acc.inpatient_special_fund, computed, fund))
    return _Work(fund, borne, steps, Accumulators(inpatient_special_fund=fund))


# ------------------------------------------------------------ critical illness and assistance


def _critical_terms(pack: Pack, person: PersonFacts):
    """(threshold, segments as (from, to or None, rate), cap or None, special group name or None)."""
    section = pack.section("critical_illness")
    threshold, cap = section["threshold"], section.get("annual_cap")
    bonus, special = ZERO, None
    groups = section.get("special_groups")
    if groups and set(groups["groups"]) & set(person.groups):
        special = next(g for g in groups["groups"] if g in person.groups)
        threshold = groups.get("threshold", threshold / 2)
        bonus = groups.get("rate_bonus", ZERO)
        cap = None if groups.get("uncapped") else groups.get("annual_cap", cap)
    segments = []
    for index, segment in enumerate(section["segments"]):
        start = threshold if index == 0 else segment["from"]
        segments.append((start, segment.get("to"), min(segment["rate"] + bonus, Decimal(1))))
    return threshold, segments, cap, special


def critical_payable(segments, base: Decimal) -> Decimal:
    """f(x): the exact sum over segments of rate × the part of [threshold, x] inside the segment."""
    total = Decimal(0)
    for start, end, rate in segments:
        upper = base if end is None else min(base, end)
        if upper > start:
            total += (upper - start) * rate
    return total


def _critical(pack: Pack, person: PersonFacts, acc: Accumulators, self_pay: Decimal) -> _Work:
    threshold, segments, cap, special = _critical_terms(pack, person)
    before, after = acc.critical_base, acc.critical_base + self_pay
    computed = round_fen(critical_payable(segments, after) - critical_payable(segments, before))
    paid = computed if cap is None else min(computed, max(cap - acc.critical_fund, ZERO))
    who = f"（特殊群体：起付标准 {fmt(threshold)}，各段比例提高，{'不设封顶' if cap is None else '封顶 ' + fmt(cap)}）" if special else ""
    steps = [f"大病保险{who}：本次政策范围内个人负担 {fmt(self_pay)} 计入年度累计，累计 {fmt(before)} → {fmt(after)}"]
    if after <= threshold:
        steps.append(f"大病保险：累计未超过起付标准 {fmt(threshold)}，本次不支付。")
    else:
        parts = [f"{fmt(max(start, before))}–{fmt(min(after, end) if end else after)} × {_pct(rate)}"
                 for start, end, rate in segments if (end is None or end > before) and after > max(start, before)]
        steps.append(f"大病保险：分段计算 {'；'.join(parts)}，合计 {fmt(computed)}")
        if cap is not None:
            steps.append(_cap_step("大病保险年度限额", cap, acc.critical_fund, computed, paid))
    provisional = ["segments"] if pack.section("critical_illness").is_provisional("segments") else []
    return _Work(paid, ZERO, steps, Accumulators(critical_base=self_pay, critical_fund=paid), provisional=provisional)


def _assistance(pack: Pack, person: PersonFacts, claim: Claim, acc: Accumulators, remaining: Decimal) -> _Work:
    section = pack.section("medical_assistance")
    if claim.benefit not in section.get("benefits", BENEFITS):
        return _Work()
    rates = [(section["rates"][g], g) for g in person.groups if g in section.get("rates", {})]
    if not rates:
        return _Work(steps=["医疗救助：参保人不属于救助对象，不支付。"])
    rate, group = max(rates)
    computed = round_fen(remaining * rate)
    paid = computed
    steps = [f"医疗救助（{group}）：政策范围内个人仍负担 {fmt(remaining)} × {_pct(rate)} = {fmt(computed)}"]
    if "annual_cap" in section:
        paid = min(computed, max(section["annual_cap"] - acc.assistance_fund, ZERO))
        steps.append(_cap_step("医疗救助年度限额", section["annual_cap"], acc.assistance_fund, computed, paid))
    return _Work(paid, ZERO, steps, Accumulators(assistance_fund=paid))


# ------------------------------------------------------------ one claim


def _disease_for(catalogue: Catalogue, claim: Claim):
    kind = DISEASE_KIND_OF[claim.benefit]
    if not claim.disease:
        return None, "未填写病种"
    disease = catalogue.get(claim.disease, kind)
    if disease is None:
        kinds = catalogue.kinds_of(claim.disease)
        return None, f"病种 {claim.disease} " + ("不属于该待遇类别" if kinds else "不在本统筹区目录中")
    return disease, ""


def _basic(pack: Pack, catalogue: Catalogue, person: PersonFacts, claim: Claim, acc: Accumulators) -> _Work:
    E = claim.policy_range
    if claim.benefit == "general_outpatient":
        return _general_employee(pack, person, claim, acc, E) if pack.scheme == "employee" else _general_resident(pack, claim, acc, E)
    if claim.benefit == "inpatient":
        return _inpatient(pack, claim, acc, E)
    disease, why = _disease_for(catalogue, claim)
    if disease is None:
        return _Work(status="disease_not_eligible", detail=why)
    handler = {"chronic_outpatient": _chronic, "special_outpatient": _special, "two_diseases": _two_diseases}[claim.benefit]
    return handler(pack, claim, acc, E, disease)


def calculate(pack: Pack, catalogue: Catalogue, person: PersonFacts, claim: Claim, acc: Accumulators) -> Result:
    """One claim against the accumulators of its year; the result carries the accumulator change."""
    if person.scheme != pack.scheme:
        return _refused(claim, "scheme_mismatch", f"参保人险种（{person.scheme}）与政策包 {pack.id} 的险种（{pack.scheme}）不一致")
    if not pack.has(claim.benefit):
        return _refused(claim, "not_covered", f"政策包 {pack.id} 未配置该待遇")
    E = claim.policy_range
    work = _basic(pack, catalogue, person, claim, acc)
    if work.status != "ok":
        return _refused(claim, work.status, work.detail)
    steps = [f"政策范围内费用 = 总费用 {fmt(claim.total)} − 全自费 {fmt(claim.fulamt_ownpay)} − 乙类先行自付 {fmt(claim.preselfpay)} = {fmt(E)}"]
    steps += work.steps
    steps.append(f"基本医疗保险统筹基金支付 {fmt(work.fund)}")
    delta, provisional = work.delta, list(work.provisional)
    critical = _Work()
    if claim.benefit in ("inpatient", "special_outpatient") and pack.has("critical_illness"):
        critical = _critical(pack, person, acc, E - work.fund)
        steps += critical.steps
        delta, provisional = delta.plus(critical.delta), provisional + critical.provisional
    assistance = _Work()
    if pack.has("medical_assistance"):
        assistance = _assistance(pack, person, claim, acc, E - work.fund - critical.fund)
        steps += assistance.steps
        delta = delta.plus(assistance.delta)
    result = Result("ok", claim, E, work.deductible, work.fund, critical.fund, assistance.fund, (), delta, tuple(provisional))
    steps.append(
        f"个人负担 = 总费用 {fmt(claim.total)} − 基金支付合计 {fmt(result.fund_pay_sumamt)} = {fmt(result.psn_part_amt)}"
    )
    return replace(result, steps=tuple(steps))


def calculate_sequence(pack: Pack, catalogue: Catalogue, person: PersonFacts, claims, start: dict[int, Accumulators] | None = None):
    """Claims of one person in order, each seeing the accumulators left by the ones before (per calendar year)."""
    by_year = dict(start or {})
    results = []
    for claim in claims:
        year = claim.date.year
        acc = by_year.get(year, Accumulators())
        result = calculate(pack, catalogue, person, claim, acc)
        by_year[year] = acc.plus(result.delta)
        results.append(result)
    return results, by_year


# ------------------------------------------------------------ what is left of each cap


@dataclass(frozen=True)
class CapLeft:
    name: str
    cap: Decimal | None  # None: no cap ("不设封顶")
    used: Decimal
    provisional: bool = False

    @property
    def left(self) -> Decimal | None:
        return None if self.cap is None else max(self.cap - self.used, ZERO)


def caps_left(pack: Pack, catalogue: Catalogue, person: PersonFacts, acc: Accumulators, chronic_codes=()) -> list[CapLeft]:
    """Every annual cap of the pack with what the year's ledger has used of it."""
    rows: list[CapLeft] = []
    if pack.has("general_outpatient"):
        section = pack.section("general_outpatient")
        cap = section["retiree_annual_cap"] if person.retired and "retiree_annual_cap" in section else section["annual_cap"]
        rows.append(CapLeft("普通门诊（门诊统筹）年度限额", cap, acc.general_fund, section.is_provisional("annual_cap")))
        if pack.scheme == "employee":
            rows.append(CapLeft("门诊统筹已累计起付", None, acc.employee_deductible))
    if pack.has("inpatient") and "annual_cap" in pack.section("inpatient"):
        rows.append(CapLeft("住院与门诊特殊病年度限额", pack.section("inpatient")["annual_cap"], acc.inpatient_special_fund))
    if pack.has("special_outpatient"):
        rows.append(CapLeft("门诊特殊病年度起付线", pack.section("special_outpatient")["annual_deductible"], acc.special_deductible))
    if pack.has("chronic_outpatient"):
        section = pack.section("chronic_outpatient")
        for code in sorted(set(chronic_codes) | {c for c, _ in acc.chronic_fund}):
            disease = catalogue.get(code, "chronic")
            if disease and disease.annual_cap is not None:
                rows.append(CapLeft(f"慢性病 {disease.name} 年度限额", disease.annual_cap, acc.chronic_of(code), disease.provisional))
        if "total_annual_cap" in section:
            rows.append(CapLeft("慢性病合计年度限额", section["total_annual_cap"], acc.chronic_total))
    if pack.has("critical_illness"):
        _, _, cap, _ = _critical_terms(pack, person)
        rows.append(CapLeft("大病保险年度限额", cap, acc.critical_fund))
        rows.append(CapLeft("大病保险累计计算基数", None, acc.critical_base))
    if pack.has("medical_assistance") and "annual_cap" in pack.section("medical_assistance"):
        rows.append(CapLeft("医疗救助年度限额", pack.section("medical_assistance")["annual_cap"], acc.assistance_fund))
    return rows
