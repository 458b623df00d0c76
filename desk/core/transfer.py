"""医保社保关系转移接续"一件事": the form, its materials and its states (transfer.md). Pure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.core.errors import Problem, Refused, ValidationError
from desk.core.idnumber import IdNumberError, canonical_text, parse_id_number
from desk.core.money import AmountError, parse_amount
from desk.core.person import ID_TYPES, canonical_phone, check_name, check_phone
from desk.core.regions import region_table

STATE_NAMES = {
    "awaiting_materials": "待补正",
    "accepted": "已受理",
    "out_review": "转出审核",
    "in_review": "转入审核",
    "completed": "已办结",
    "returned": "已退回",
}
OPEN_STATES = ("accepted", "out_review", "in_review")  # the clock runs
FINAL_STATES = ("completed", "returned")
MOVES = {
    "receive_materials": (("awaiting_materials",), "accepted"),
    "to_out_review": (("accepted",), "out_review"),
    "to_in_review": (("out_review",), "in_review"),
    "complete": (("in_review",), "completed"),
    "return": (("awaiting_materials", "accepted", "out_review", "in_review"), "returned"),
}
MOVE_NAMES = {
    "receive_materials": "补正材料", "to_out_review": "转入转出审核", "to_in_review": "转入转入审核",
    "complete": "办结", "return": "退回",
}
DIRECTIONS = {"in": "转入", "out": "转出"}
SCOPES = {"province": "省内", "national": "跨省"}
APPLICANT_STATUSES = ("流动就业", "其他")
PENSIONS = {"resident_pension": "城乡居民基本养老保险", "enterprise_pension": "企业职工基本养老保险"}
RELATIONS = ("配偶", "父母", "子女", "兄弟姐妹", "其他亲属", "所在单位", "其他")


@dataclass(frozen=True)
class Material:
    key: str
    name: str


def required_materials(scope: str, pension: str | None) -> tuple[Material, ...]:
    """What the window needs (seed 000): the ID card; the former place's 参保凭证 (not for a
    transfer within the province, which is handled online); the pension 联系函 when a pension moves."""
    items = [Material("id_document", "居民身份证（原件或复印件）")]
    if scope != "province":
        items.append(Material("former_certificate", "转出地出具的《基本医疗保险参保凭证》"))
    if pension:
        items.append(Material("pension_letter", "《基本养老保险关系转移接续联系函》"))
    return tuple(items)


def scope_between(out_code: str, in_code: str) -> str:
    """省内 (province) when the two region codes are in one province, else 跨省 (national)."""
    return "province" if out_code[:2] == in_code[:2] else "national"


def missing_materials(form: dict, received) -> tuple[Material, ...]:
    """What the window still needs of a (clean) form, given the keys of the materials received."""
    received = set(received)
    return tuple(m for m in required_materials(form["scope"], form["pension"]) if m.key not in received)


def target_state(state: str, action: str) -> str:
    sources, target = MOVES[action]
    if state not in sources:
        allowed = "、".join(MOVE_NAMES[a] for a, (s, _) in MOVES.items() if state in s) or "无"
        raise Refused(f"当前状态为“{STATE_NAMES[state]}”，不能{MOVE_NAMES[action]}（此状态下可办理：{allowed}）。", field="state")
    return target


def _text(value) -> str:
    if isinstance(value, (dict, list, tuple, set)):
        return ""
    return "" if value is None else str(value).strip()


def _place(form: dict, prefix: str, label: str, problems: list[Problem]) -> dict:
    code = canonical_text(_text(form.get(f"{prefix}_region_code")))
    table = region_table()
    if not re.fullmatch(r"[0-9]{6}", code) or code not in table:
        problems.append(Problem(f"{prefix}_region_code", "region", f"{label}行政区划代码应为存在的6位代码（如 532900 大理州）。"))
        name = _text(form.get(f"{prefix}_region_name"))
    else:
        name = _text(form.get(f"{prefix}_region_name")) or table.full_name(code)
    office = _text(form.get(f"{prefix}_office"))
    if not office:
        problems.append(Problem(f"{prefix}_office", "required", f"请填写{label}经办机构名称。"))
    phone = canonical_phone(form.get(f"{prefix}_phone"))
    if phone and check_phone(phone):
        problems.append(Problem(f"{prefix}_phone", "phone", f"{label}经办机构电话格式不对。"))
    return {"region_code": code, "region_name": name, "office": office, "phone": phone,
            "address": _text(form.get(f"{prefix}_address"))}


def _applicant(form: dict, today: date, problems: list[Problem]) -> dict:
    id_type = _text(form.get("id_type")) or ID_TYPES[0]
    number, sex = canonical_text(_text(form.get("id_number"))), _text(form.get("sex"))
    if id_type == "居民身份证":
        try:
            info = parse_id_number(number, today)
            number, sex = info.id_number, info.sex
        except IdNumberError as error:
            problems.append(Problem("id_number", error.reason_code, error.message))
    elif id_type not in ID_TYPES or not number:
        problems.append(Problem("id_number", "required", "请选择证件类型并填写证件号码。"))
    name_problem = check_name(form.get("name"))
    if name_problem:
        problems.append(Problem("name", "name", name_problem))
    phone = canonical_phone(form.get("phone"))
    if not phone or check_phone(phone):
        problems.append(Problem("phone", "phone", "请填写申请人联系电话（11位手机号或带区号的固定电话）。"))
    status = _text(form.get("applicant_status")) or APPLICANT_STATUSES[0]
    if status not in APPLICANT_STATUSES:
        problems.append(Problem("applicant_status", "unknown", "人员状态只能是“流动就业”或“其他”。"))
    return {"name": _text(form.get("name")), "id_type": id_type, "id_number": number, "sex": sex, "phone": phone,
            "household_place": _text(form.get("household_place")), "status": status,
            "address": _text(form.get("address"))}


def _agent(form: dict, today: date, problems: list[Problem]) -> dict | None:
    agent = form.get("agent") or {}
    if not isinstance(agent, dict):
        problems.append(Problem("agent_name", "type", "代办人信息格式不对。"))
        return None
    if not any(_text(v) for v in agent.values()):
        return None
    name_problem = check_name(agent.get("name"))
    if name_problem:
        problems.append(Problem("agent_name", "name", "代办人" + name_problem))
    number = canonical_text(_text(agent.get("id_number")))
    try:
        number = parse_id_number(number, today).id_number
    except IdNumberError as error:
        problems.append(Problem("agent_id_number", error.reason_code, "代办人" + error.message))
    phone = canonical_phone(agent.get("phone"))
    if not phone or check_phone(phone):
        problems.append(Problem("agent_phone", "phone", "请填写代办人联系电话。"))
    relationship = _text(agent.get("relationship"))
    if relationship not in RELATIONS:
        problems.append(Problem("agent_relationship", "required", "请选择代办人与申请人的关系。"))
    return {"name": _text(agent.get("name")), "id_number": number, "phone": phone, "relationship": relationship}


def validate_form(form: dict, office_region: str, today: date) -> dict:
    """The whole 申请登记表: every problem at once, or the clean form."""
    problems: list[Problem] = []
    applicant = _applicant(form, today, problems)
    direction, scope = _text(form.get("direction")), _text(form.get("scope"))
    if direction not in DIRECTIONS:
        problems.append(Problem("direction", "required", "请选择转入或转出。"))
    if scope not in SCOPES:
        problems.append(Problem("scope", "required", "请选择省内或跨省。"))
    out_place = _place(form, "out", "转出地", problems)
    in_place = _place(form, "in", "转入地", problems)
    if direction in DIRECTIONS and not problems_on(problems, "out_region_code", "in_region_code"):
        ours = in_place if direction == "in" else out_place
        if ours["region_code"][:4] != office_region[:4]:
            side = "转入地" if direction == "in" else "转出地"
            problems.append(Problem(f"{'in' if direction == 'in' else 'out'}_region_code", "not_ours",
                                    f"{DIRECTIONS[direction]}业务中本统筹区（{office_region}）应为{side}，请核对。"))
        if out_place["region_code"] == in_place["region_code"]:
            problems.append(Problem("in_region_code", "same", "转出地与转入地不能相同。"))
        if scope in SCOPES and scope_between(out_place["region_code"], in_place["region_code"]) != scope:
            problems.append(Problem("scope", "mismatch", "省内/跨省与两地行政区划代码不一致，请核对。"))
    pensions = [key for key in PENSIONS if form.get(key) is True]
    if len(pensions) > 1:
        problems.append(Problem("pension", "both", "养老保险只能选一种：城乡居民基本养老保险或企业职工基本养老保险。"))
    medical = form.get("employee_medical") is True
    if not medical and not pensions:
        problems.append(Problem("employee_medical", "nothing", "请至少勾选一项要转移的险种。"))
    agent = _agent(form, today, problems)
    if problems:
        raise ValidationError(problems)
    return {"applicant": applicant, "direction": direction, "scope": scope, "out": out_place, "in": in_place,
            "former_personal_number": canonical_text(_text(form.get("former_personal_number"))), "employee_medical": medical,
            "pension": pensions[0] if pensions else None, "agent": agent}


def problems_on(problems: list[Problem], *fields: str) -> bool:
    return any(problem.field in fields for problem in problems)


def completion_amounts(pooled_fund, personal_account) -> tuple:
    """Completing needs both amounts moved, as non-negative amounts with at most two decimals."""
    problems, values = [], []
    for field, raw, label in (("pooled_fund", pooled_fund, "统筹基金转移金额"), ("personal_account", personal_account, "个人账户转移金额")):
        if raw is None or str(raw).strip() == "":
            problems.append(Problem(field, "required", f"办结须填写{label}（没有的填 0.00）。"))
            continue
        try:
            values.append(parse_amount(raw, field, label))  # text only: a float is refused, never rounded
        except AmountError as error:
            problems.append(Problem(field, "amount", error.message))
    if problems:
        raise ValidationError(problems)
    return tuple(values)
