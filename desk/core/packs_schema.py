"""The shape of a policy pack: which sections and keys exist and what each value must be.

This file holds structure only, never a policy number: the numbers live in the packs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

LEVELS = ("village", "township", "community", "level1", "unrated", "level2", "level3", "pharmacy")
PROVENANCE_KEYS = {"source", "status"}
TOP_LEVEL = {"id", "version", "title", "scheme", "effective_from", "effective_to"}
DISEASE_CODE = re.compile(r"M[0-9]{5}")
PERIOD_RULE = re.compile(r"Y(-1)?-([0-9]{2})-([0-9]{2}|last)")

Converter = Callable[[str, str, Any, type], Any]


def _fail(error_type, file: str, key: str, problem: str):
    return error_type(file, key, problem)


def amount(file, key, raw, error_type) -> Decimal:
    if not isinstance(raw, str):
        raise _fail(error_type, file, key, f"金额必须写成字符串（例如 \"400.00\"），现在是 {raw!r}")
    if not re.fullmatch(r"[0-9]+(\.[0-9]{1,2})?", raw):
        raise _fail(error_type, file, key, f"金额 {raw!r} 必须是不为负、最多两位小数的数")
    return Decimal(raw).quantize(Decimal("0.01"))


def rate(file, key, raw, error_type) -> Decimal:
    if not isinstance(raw, str):
        raise _fail(error_type, file, key, f"比例必须写成字符串（例如 \"0.60\"），现在是 {raw!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise _fail(error_type, file, key, f"比例 {raw!r} 不是数") from None
    if not value.is_finite() or not Decimal(0) <= value <= Decimal(1):
        raise _fail(error_type, file, key, f"比例 {raw} 超出 0 到 1 的范围")
    return value


def integer(file, key, raw, error_type) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 0:
        raise _fail(error_type, file, key, f"应为不为负的整数，现在是 {raw!r}")
    return raw


def boolean(file, key, raw, error_type) -> bool:
    if not isinstance(raw, bool):
        raise _fail(error_type, file, key, f"应为 true 或 false，现在是 {raw!r}")
    return raw


def text(file, key, raw, error_type) -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise _fail(error_type, file, key, "应为非空文字")
    return raw.strip()


def region_code(file, key, raw, error_type) -> str:
    if not isinstance(raw, str) or not re.fullmatch(r"[0-9]{6}", raw):
        raise _fail(error_type, file, key, "统筹区代码应为6位数字")
    return raw


def text_list(file, key, raw, error_type) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(item, str) and item for item in raw):
        raise _fail(error_type, file, key, "应为文字列表")
    return tuple(raw)


def level_list(file, key, raw, error_type) -> tuple[str, ...]:
    values = text_list(file, key, raw, error_type)
    for level in values:
        if level not in LEVELS:
            raise _fail(error_type, file, key, f"未知的医疗机构等级 {level}")
    return values


def period_rule(file, key, raw, error_type) -> tuple[int, int, int | None]:
    """'Y-1-09-01' or 'Y-02-last' → (year offset, month, day or None for the month's last day)."""
    match = PERIOD_RULE.fullmatch(raw) if isinstance(raw, str) else None
    if not match:
        raise _fail(error_type, file, key, f"日期规则 {raw!r} 应写成 Y-1-09-01 或 Y-02-last 的形式")
    month = int(match.group(2))
    day = None if match.group(3) == "last" else int(match.group(3))
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        raise _fail(error_type, file, key, f"日期规则 {raw} 中的月或日不存在")
    return (-1 if match.group(1) else 0, month, day)


def mapping_of(value_converter: Converter, key_check: Callable[[str], bool] | None = None, what: str = "键"):
    def convert(file, key, raw, error_type) -> dict:
        if not isinstance(raw, dict) or not raw:
            raise _fail(error_type, file, key, "应为非空的表")
        result = {}
        for sub_key, sub_raw in raw.items():
            if key_check and not key_check(sub_key):
                raise _fail(error_type, file, f"{key}.{sub_key}", f"未知的{what}")
            result[sub_key] = value_converter(file, f"{key}.{sub_key}", sub_raw, error_type)
        return result

    return convert


def table_of(fields: dict[str, Converter], required: tuple[str, ...] = ()):
    def convert(file, key, raw, error_type) -> dict:
        if not isinstance(raw, dict):
            raise _fail(error_type, file, key, "应为一个表")
        for name in required:
            if name not in raw:
                raise _fail(error_type, file, f"{key}.{name}", "缺少必填项")
        result = {}
        for sub_key, sub_raw in raw.items():
            if sub_key not in fields:
                raise _fail(error_type, file, f"{key}.{sub_key}", "未知的键，请检查拼写")
            result[sub_key] = fields[sub_key](file, f"{key}.{sub_key}", sub_raw, error_type)
        return result

    return convert


def list_of(item_converter: Converter):
    def convert(file, key, raw, error_type) -> tuple:
        if not isinstance(raw, list) or not raw:
            raise _fail(error_type, file, key, "应为非空列表")
        return tuple(item_converter(file, f"{key}[{index}]", item, error_type) for index, item in enumerate(raw))

    return convert


def year_key(sub_key: str) -> bool:
    return bool(re.fullmatch(r"(19|20)[0-9]{2}", sub_key))


def level_key(sub_key: str) -> bool:
    return sub_key in LEVELS


def full_or_amount(file, key, raw, error_type):
    return "full" if raw == "full" else amount(file, key, raw, error_type)


def age(file, key, raw, error_type) -> int:
    value = integer(file, key, raw, error_type)
    if value > 130:
        raise _fail(error_type, file, key, "年龄超出范围")
    return value


SUBSIDY_GROUP = table_of(
    {"code": text, "name": text, "amount": full_or_amount, "min_age": age, "max_age": age},
    required=("code", "name", "amount"),
)


def subsidy_groups(file, key, raw, error_type):
    groups = list_of(SUBSIDY_GROUP)(file, key, raw, error_type)
    seen = set()
    for index, group in enumerate(groups):
        if group["code"] in seen:
            raise _fail(error_type, file, f"{key}[{index}].code", f"资助类别 {group['code']} 重复")
        seen.add(group["code"])
    return groups


SEGMENT = table_of({"from": amount, "to": amount, "rate": rate}, required=("from", "rate"))


def segments(file, key, raw, error_type):
    """Segments must be contiguous and ascending; only the last may be open-ended."""
    items = list_of(SEGMENT)(file, key, raw, error_type)
    for index, segment in enumerate(items):
        where = f"{key}[{index}]"
        last = index == len(items) - 1
        if "to" not in segment and not last:
            raise _fail(error_type, file, where, "只有最后一段可以没有上限（to）")
        if "to" in segment and segment["to"] <= segment["from"]:
            raise _fail(error_type, file, where, "分段上限必须大于下限")
        if index and segment["from"] != items[index - 1].get("to"):
            raise _fail(error_type, file, where, "分段顺序不对：每段的下限必须等于上一段的上限")
    return items


DISEASE = table_of(
    {"code": text, "name": text, "rate": rate, "annual_cap": amount, "validity_months": integer, "materials": text_list},
    required=("code", "name"),
)


def diseases(file, key, raw, error_type):
    items = list_of(DISEASE)(file, key, raw, error_type)
    seen = set()
    for index, disease in enumerate(items):
        if not DISEASE_CODE.fullmatch(disease["code"]):
            raise _fail(error_type, file, f"{key}[{index}].code", f"病种代码 {disease['code']} 应为 M 加5位数字")
        if disease["code"] in seen:
            raise _fail(error_type, file, f"{key}[{index}].code", f"病种代码 {disease['code']} 重复")
        seen.add(disease["code"])
    return items


INPATIENT_LEVEL = table_of({"deductible": amount, "rate": rate}, required=("deductible", "rate"))
LEVEL_GROUP = table_of(
    {"levels": level_list, "deductible_threshold": amount, "rate": rate}, required=("levels", "deductible_threshold", "rate")
)
SPECIAL_GROUPS = table_of(
    {"groups": text_list, "threshold": amount, "rate_bonus": rate, "uncapped": boolean, "annual_cap": amount},
    required=("groups",),
)
MATERIAL = table_of({"key": text, "name": text, "kinds": text_list}, required=("key", "name", "kinds"))
DISEASE_KINDS = ("chronic", "special", "two_diseases")


def materials(file, key, raw, error_type):
    items = list_of(MATERIAL)(file, key, raw, error_type)
    seen = set()
    for index, item in enumerate(items):
        if item["key"] in seen:
            raise _fail(error_type, file, f"{key}[{index}].key", f"材料编号 {item['key']} 重复")
        seen.add(item["key"])
        for kind in item["kinds"]:
            if kind not in DISEASE_KINDS:
                raise _fail(error_type, file, f"{key}[{index}].kinds", f"未知的病种类别 {kind}")
    return items


PREFECTURE_SHARE = table_of({"share": rate, "counties": text_list}, required=("share", "counties"))


def level_map(file, key, raw, error_type):
    result = mapping_of(text, level_key, "医疗机构等级")(file, key, raw, error_type)
    for level, target in result.items():
        if target not in ("level1", "level2", "level3"):
            raise _fail(error_type, file, f"{key}.{level}", "只能映射到 level1、level2 或 level3")
    return result


SCHEMA: dict[str, dict[str, Converter]] = {
    "region": {"code": region_code, "name": text},
    "collection": {"period_start": period_rule, "period_end": period_rule},
    "contribution": {"individual": mapping_of(amount, year_key, "年度")},
    "fiscal_subsidy": {
        "total": amount,
        "central": amount,
        "provincial": amount,
        "prefecture_and_county": amount,
        "provincial_university_total": amount,
        "prefecture_share": mapping_of(PREFECTURE_SHARE),
    },
    "subsidies": {"groups": subsidy_groups},
    "waiting_period": {
        "newborn_days": integer,
        "employee_gap_months": integer,
        "exempt_groups": text_list,
        "outside_period_months": integer,
        "break_base_months": integer,
        "minimum_months": integer,
        "long_break_years": integer,
        "long_break_minimum_months": integer,
    },
    "general_outpatient": {
        "deductible": amount,
        "annual_cap": amount,
        "cap_note": text,
        "rates": mapping_of(rate, level_key, "医疗机构等级"),
        "deductible_mode": text,
        "retiree_rate_bonus": rate,
        "retiree_annual_cap": amount,
        "level_groups": mapping_of(LEVEL_GROUP),
    },
    "chronic_outpatient": {"rate": rate, "disease_annual_cap": amount, "total_annual_cap": amount},
    "special_outpatient": {"annual_deductible": amount, "rate": rate, "shares_cap_with": text},
    "two_diseases": {"rate": rate, "procurement_rates": mapping_of(rate, level_key, "医疗机构等级"), "annual_cap": amount},
    "inpatient": {
        "annual_cap": amount,
        "out_of_region_rate_cut": rate,
        "level_map": level_map,
        "levels": mapping_of(INPATIENT_LEVEL, lambda k: k in ("level1", "level2", "level3"), "住院等级"),
    },
    "critical_illness": {
        "base": text_list,
        "threshold": amount,
        "annual_cap": amount,
        "segments": segments,
        "special_groups": SPECIAL_GROUPS,
    },
    "medical_assistance": {"rates": mapping_of(rate), "annual_cap": amount, "benefits": text_list},
    "transfer": {"working_days": integer, "supplement_working_days": integer},
    "family_mutual_aid": {
        "relations": text_list,
        "max_bound_persons": integer,
        "same_region_only": boolean,
        "payment_order": text,
    },
    "disease_defaults": {"validity_months": integer, "materials": text_list},
    "diseases": {"chronic": diseases, "special": diseases, "two_diseases": diseases},
    "materials": {"items": materials},
    "filing": {"appeal_working_days": integer, "supplement_working_days": integer},
}


def convert_value(file: str, key: str, converter: Converter, raw: Any, error_type: type) -> Any:
    return converter(file, key, raw, error_type)
