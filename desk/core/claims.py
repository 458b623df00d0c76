"""Reading claims as typed by a clerk or given to `desk calc`: every field checked, every
refusal naming the claim and the field (reimbursement.md, "Inputs of one claim")."""

from __future__ import annotations

from desk.core.dates import DateError, parse_date
from desk.core.errors import Problem, ValidationError
from desk.core.money import AmountError, parse_amount
from desk.core.packs import Pack
from desk.core.packs_schema import LEVELS
from desk.core.reimbursement import BENEFIT_NAMES, BENEFITS, Claim, PersonFacts

CLAIM_FIELDS = {"date", "benefit", "level", "in_region", "disease", "procurement", "total", "fulamt_ownpay", "preselfpay"}
AMOUNT_LABELS = {"total": "总费用", "fulamt_ownpay": "全自费金额", "preselfpay": "乙类先行自付金额"}


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
    )


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
