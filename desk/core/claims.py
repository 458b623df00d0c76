"""Reading claims as typed by a clerk or given to `desk calc`: every field checked, every
refusal naming the claim and the field (reimbursement.md, "Inputs of one claim")."""

from __future__ import annotations

import re
from datetime import date

from desk.core.canonical import fold_width, typed
from desk.core.dates import DateError, parse_date
from desk.core.errors import Problem, ValidationError
from desk.core.money import AmountError, parse_amount
from desk.core.packs import Pack
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFIT_NAMES, BENEFITS, Claim, PersonFacts

CLAIM_FIELDS = {"date", "benefit", "level", "in_region", "disease", "procurement", "total", "fulamt_ownpay", "preselfpay",
                "institution", "invoice_number", "admission_date"}
AMOUNT_LABELS = {"total": "总费用", "fulamt_ownpay": "全自费金额", "preselfpay": "乙类先行自付金额"}
# Which bill it is (docs/rules.md, "Duplicate bills"): optional, so that every older claim stays valid.
INSTITUTION_MAX = 50
INVOICE_MIN, INVOICE_MAX = 4, 30
_INVOICE = re.compile(r"[0-9A-Z-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _problem(prefix: str, field: str, code: str, message: str) -> ValidationError:
    return ValidationError([Problem(f"{prefix}{field}", code, message)])


def _flag(value, prefix: str, field: str, default: bool) -> bool:
    if value is None:
        return default
    if not isinstance(value, bool):
        raise _problem(prefix, field, "type", f"{field} 应为 true 或 false。")
    return value


def parse_claim(data, pack: Pack, prefix: str = "") -> Claim:
    """One claim; `prefix` (e.g. 'claims[2].') goes before the field in every message."""
    if not isinstance(data, dict):
        raise _problem(prefix.rstrip("."), "", "type", "每笔费用应为一个 JSON 对象。")
    unknown = sorted(set(data) - CLAIM_FIELDS)
    if unknown:
        raise _problem(prefix, unknown[0], "unknown_field", f"未知的字段 {unknown[0]}。")
    try:
        day = parse_date(data.get("date"), "date", "就诊（出院）日期")
    except DateError as error:
        raise _problem(prefix, "date", "date", error.message) from None
    if not pack.in_force_on(day):
        raise _problem(prefix, "date", "pack_not_in_force",
                       f"政策包 {pack.id} 在 {day.isoformat()} 不适用（生效期 {pack.effective_from.isoformat()} 起）。")
    benefit = data.get("benefit")
    if benefit not in BENEFITS:
        raise _problem(prefix, "benefit", "unknown", "待遇类别应为：" + "、".join(f"{b}（{BENEFIT_NAMES[b]}）" for b in BENEFITS) + "。")
    level = data.get("level")
    if level not in LEVELS:
        raise _problem(prefix, "level", "unknown", "医疗机构等级应为：" + "、".join(LEVELS) + "。")
    amounts = {}
    for field, label in AMOUNT_LABELS.items():
        raw = data.get(field, "0.00" if field != "total" else None)
        if raw is None:
            raise _problem(prefix, field, "required", f"请填写{label}。")
        try:
            amounts[field] = parse_amount(raw, field, label)
        except AmountError as error:
            raise _problem(prefix, field, "amount", error.message) from None
    if amounts["fulamt_ownpay"] + amounts["preselfpay"] > amounts["total"]:
        raise _problem(prefix, "preselfpay", "parts_exceed_total", "全自费与乙类先行自付之和不能大于总费用，请核对。")
    disease = data.get("disease")
    if disease is not None and not isinstance(disease, str):
        raise _problem(prefix, "disease", "type", "病种代码应为文字，例如 \"M03900\"。")
    institution = parse_institution(data.get("institution"), prefix)
    invoice_number = parse_invoice_number(data.get("invoice_number"), prefix)
    admission = parse_admission(data.get("admission_date"), prefix, benefit, day)
    return Claim(
        date=day,
        benefit=benefit,
        level=level,
        total=amounts["total"],
        in_region=_flag(data.get("in_region"), prefix, "in_region", True),
        disease=(disease or "").strip().upper() or None,
        procurement=_flag(data.get("procurement"), prefix, "procurement", False),
        fulamt_ownpay=amounts["fulamt_ownpay"],
        preselfpay=amounts["preselfpay"],
        institution=institution,
        invoice_number=invoice_number,
        admission_date=admission,
    )


def _optional_text(value, prefix: str, field: str, label: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _problem(prefix, field, "type", f"{label}应为文字。")
    return typed(value) or None


def parse_institution(value, prefix: str = "") -> str | None:
    """医疗机构名称 as printed on the bill: the ends stripped, runs of spaces made one; at most 50 characters."""
    text = _optional_text(value, prefix, "institution", "医疗机构名称")
    if text is None:
        return None
    text = " ".join(text.split())
    if _CONTROL.search(text):
        raise _problem(prefix, "institution", "format", "医疗机构名称含有不可见的控制字符，请重新输入。")
    if len(text) < 2 or len(text) > INSTITUTION_MAX:
        raise _problem(prefix, "institution", "length",
                       f"医疗机构名称应为 2–{INSTITUTION_MAX} 个字（现为 {len(text)} 个），请按票据上的名称填写。")
    return text


def institution_key(name: str | None) -> str:
    """What two institution names are compared by: full-width forms folded, spaces dropped, Latin upper case
    (大理市第一人民医院（东院） and 大理市第一人民医院(东院) are the same institution)."""
    return "".join(fold_width(name or "").split()).upper()


def parse_invoice_number(value, prefix: str = "") -> str | None:
    """发票号/收据号 in its one canonical form: full-width folded to ASCII, stripped, upper case; then only
    digits, Latin letters and '-', 4–30 characters."""
    text = _optional_text(value, prefix, "invoice_number", "发票号（收据号）")
    if text is None:
        return None
    text = text.upper()
    shown = text if len(text) <= 20 else text[:20] + "…"
    if not _INVOICE.fullmatch(text):
        raise _problem(prefix, "invoice_number", "format",
                       f"发票号（收据号）“{shown}”只能由数字、英文字母和“-”组成，中间不要有空格，请按票据核对。")
    if not INVOICE_MIN <= len(text) <= INVOICE_MAX:
        raise _problem(prefix, "invoice_number", "length",
                       f"发票号（收据号）应为 {INVOICE_MIN}–{INVOICE_MAX} 位（现为 {len(text)} 位），请按票据核对。")
    return text


def parse_admission(value, prefix: str, benefit: str, discharge: date) -> date | None:
    """入院日期: inpatient only, not after the discharge date (`date`)."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if benefit != "inpatient":
        raise _problem(prefix, "admission_date", "not_inpatient", "只有住院费用填写入院日期；门诊只填就诊日期。")
    try:
        day = parse_date(value, "admission_date", "入院日期")
    except DateError as error:
        raise _problem(prefix, "admission_date", "date", error.message) from None
    if day > discharge:
        raise _problem(prefix, "admission_date", "after_discharge",
                       f"入院日期 {day.isoformat()} 晚于出院日期 {discharge.isoformat()}，请核对。")
    return day


def parse_person(data) -> PersonFacts:
    if data is None:
        return PersonFacts()
    if not isinstance(data, dict):
        raise _problem("", "person", "type", "person 应为一个 JSON 对象。")
    unknown = sorted(set(data) - {"scheme", "retired", "groups"})
    if unknown:
        raise _problem("person.", unknown[0], "unknown_field", f"未知的字段 {unknown[0]}。")
    scheme = data.get("scheme", "resident")
    if scheme not in ("resident", "employee"):
        raise _problem("person.", "scheme", "unknown", "险种应为 resident 或 employee。")
    groups = data.get("groups", [])
    if not isinstance(groups, list) or not all(isinstance(g, str) for g in groups):
        raise _problem("person.", "groups", "type", "groups 应为文字列表，例如 [\"dibao\"]。")
    return PersonFacts(scheme, _flag(data.get("retired"), "person.", "retired", False), tuple(groups))


def parse_calc_input(data, packs) -> tuple[Pack, PersonFacts, list[Claim]]:
    """`desk calc`: {"pack", "person", "claims": [...]}."""
    if not isinstance(data, dict):
        raise _problem("", "(input)", "type", "输入应为一个 JSON 对象。")
    unknown = sorted(set(data) - {"pack", "person", "claims"})
    if unknown:
        raise _problem("", unknown[0], "unknown_field", f"未知的字段 {unknown[0]}。")
    if not isinstance(data.get("pack"), str):
        raise _problem("", "pack", "required", "缺少政策包编号 pack。")
    pack = packs.get(data["pack"])
    person = parse_person(data.get("person"))
    claims = data.get("claims")
    if not isinstance(claims, list):
        raise _problem("", "claims", "type", "claims 应为费用列表。")
    return pack, person, [parse_claim(claim, pack, f"claims[{index}].") for index, claim in enumerate(claims)]
