"""A policy pack's values as the 政策包 page words them for an administrator: every key by its
Chinese name, amounts in 元, rates in per cent, institution levels, subsidy groups and benefits by
name, lists joined with 、, a missing value as —; never a code, a Python value or JSON. The
file's own key path (`[inpatient] levels`) stays in the page's tooltip, for finding it in the file."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

from desk.core.money import format_amount

MISSING = "—"

# every key of desk.core.packs_schema.SCHEMA (tests/screens/test_admin.py checks that none is left out)
KEY_NAMES: dict[str, dict[str, str]] = {
    "region": {"code": "统筹区代码", "name": "统筹区名称"},
    "collection": {"period_start": "集中参保期开始", "period_end": "集中参保期结束"},
    "contribution": {"individual": "个人缴费标准（按待遇年度）"},
    "fiscal_subsidy": {
        "total": "财政补助总额（每人每年）", "central": "中央财政补助", "provincial": "省级财政补助",
        "prefecture_and_county": "州（市）和县级财政补助", "provincial_university_total": "省属高校学生财政补助总额",
        "prefecture_share": "州（市）分担比例（按县市类别）",
    },
    "subsidies": {"groups": "资助参保类别及金额", "entered_amounts": "管理员录入的资助金额"},
    "waiting_period": {
        "newborn_days": "新生儿出生后参保免等待期的天数", "employee_gap_months": "职工医保中断后转入的免等待期限",
        "exempt_groups": "免等待期的人群", "outside_period_months": "集中参保期外参保的等待期",
        "break_base_months": "中断缴费的基础等待期", "minimum_months": "最短等待期",
        "long_break_years": "长期中断的年限", "long_break_minimum_months": "长期中断后的最短等待期",
    },
    "general_outpatient": {
        "deductible": "起付线", "annual_cap": "年度限额", "cap_note": "限额说明", "rates": "报销比例（按医疗机构等级）",
        "deductible_mode": "起付线计算方式", "retiree_rate_bonus": "退休人员报销比例提高",
        "retiree_annual_cap": "退休人员年度限额", "level_groups": "医疗机构分组的起付线和报销比例",
    },
    "chronic_outpatient": {"rate": "报销比例", "disease_annual_cap": "单病种年度限额", "total_annual_cap": "年度总限额"},
    "special_outpatient": {"annual_deductible": "年度起付线", "rate": "报销比例", "shares_cap_with": "与之共用年度限额的待遇"},
    "two_diseases": {"rate": "报销比例", "procurement_rates": "集采药品报销比例（按医疗机构等级）", "annual_cap": "年度限额"},
    "inpatient": {
        "annual_cap": "年度最高支付限额", "out_of_region_rate_cut": "统筹区外就医报销比例降低",
        "level_map": "医疗机构等级对应的住院等级", "levels": "各等级的起付线和报销比例",
    },
    "critical_illness": {
        "base": "计入大病保险的费用", "threshold": "起付线", "annual_cap": "年度最高支付限额", "segments": "分段报销比例",
        "special_groups": "特殊人群的倾斜政策",
    },
    "medical_assistance": {"rates": "救助比例（按人群）", "annual_cap": "年度救助限额", "benefits": "救助的待遇"},
    "transfer": {"working_days": "转移接续办理时限", "supplement_working_days": "一次性告知后补正材料的期限"},
    "family_mutual_aid": {
        "relations": "可共济的亲属", "max_bound_persons": "最多绑定人数", "same_region_only": "仅限同一统筹区",
        "payment_order": "支付顺序",
    },
    "disease_defaults": {"validity_months": "认定有效期", "materials": "默认申请材料"},
    "diseases": {"chronic": "门诊慢性病病种", "special": "门诊特殊病病种", "two_diseases": "两病病种"},
    "materials": {"items": "申请材料清单"},
    "filing": {"appeal_working_days": "不予认定后申请复核的时限", "supplement_working_days": "一次性告知后补正材料的期限"},
}

FIELD_NAMES = {  # the keys inside a table value (a level's, a segment's, a group's)
    "deductible": "起付线", "deductible_threshold": "起付线", "rate": "报销比例", "threshold": "起付线",
    "rate_bonus": "报销比例提高", "uncapped": "不设封顶", "annual_cap": "年度限额", "share": "分担比例",
    "counties": "县市", "levels": "医疗机构", "groups": "人群", "validity_months": "有效期", "materials": "材料",
    "min_age": "最低年龄", "max_age": "最高年龄", "kinds": "适用病种类别",
}
LEVEL_NAMES = {
    "village": "村卫生室", "township": "乡镇卫生院", "community": "社区卫生服务中心", "level1": "一级医院",
    "unrated": "未定级医疗机构", "level2": "二级医院", "level3": "三级医院", "pharmacy": "定点零售药店",
}
WORDS = {  # codes a pack uses as values
    "full": "全额资助", "spouse": "配偶", "parent": "父母", "child": "子女", "accumulated": "按年度累计",
    "own_account_first_then_binders_by_binding_time": "先用本人个人账户，再按绑定先后使用共济亲属的个人账户",
    "chronic": "门诊慢性病", "special": "门诊特殊病", "two_diseases": "两病", "primary": "基层医疗机构",
    "hospital": "医院", "inpatient": "住院", "special_outpatient": "门诊特殊病", "general_outpatient": "普通门诊",
    "chronic_outpatient": "门诊慢性病", "critical_illness": "大病保险",
}
RATE_KEYS = {"rate", "rates", "share", "procurement_rates"}
POINT_KEYS = {"rate_bonus", "retiree_rate_bonus", "out_of_region_rate_cut"}  # added to or taken off a rate
UNITS = {"newborn_days": "天", "working_days": "个工作日", "appeal_working_days": "个工作日",
         "supplement_working_days": "个工作日", "max_bound_persons": "人",
         "long_break_years": "年", "min_age": "周岁", "max_age": "周岁"}
CLASS_NAMES = {"class1": "一类县市", "class2": "二类县市", "class3": "三类县市"}


SOURCE_WORDS = {"seed": "政策文件", "spec": "业务规范"}  # the packs' own shorthand for where a number comes from


def source_text(source: str) -> str:
    """A value's source as the page shows it: the packs' shorthand `seed 000_….txt` (a policy
    document of /work/shared/seeds) and `spec chronic.md` (the domain specification) in words."""
    return re.sub(r"\b(seed|spec)\b", lambda match: SOURCE_WORDS[match.group(1)], source)


def key_name(section: str, key: str) -> str:
    return KEY_NAMES.get(section, {}).get(key, key)


def file_place(section: str, key: str) -> str:
    """Where the value is in the pack file, for the tooltip: [inpatient] levels."""
    return f"政策包文件中的位置：[{section}] {key}"


def value_text(pack, section: str, key: str, value: Any) -> str:
    """One value of the pack in words (see the module's docstring)."""
    groups = _group_names(pack)
    materials = _material_names(pack)
    if section == "collection" and isinstance(value, tuple) and len(value) == 3:
        return _period_rule(value)
    if section == "contribution" and isinstance(value, dict):
        return "；".join(f"{year}年度 {_amount(amount)}" for year, amount in value.items())
    if section == "subsidies" and key == "groups":
        return "；".join(_subsidy_group(group) for group in value)
    if section == "subsidies" and key == "entered_amounts" and isinstance(value, dict):
        return "；".join(f"{year}年度：" + "，".join(f"{groups.get(code, code)} {_amount_or_full(amount)}"
                                                     for code, amount in amounts.items())
                        for year, amounts in value.items())
    if section == "diseases":
        return "、".join(_disease(item) for item in value)
    if section == "materials" and key == "items":
        return "；".join(f"{item['name']}（{'、'.join(WORDS.get(kind, kind) for kind in item['kinds'])}）" for item in value)
    if key == "materials":
        return "、".join(materials.get(item, item) for item in value)
    if key == "prefecture_share" and isinstance(value, dict):
        return "；".join(f"{CLASS_NAMES.get(name, name)}：分担 {_rate(item['share'])}（{'、'.join(item['counties'])}）"
                        for name, item in value.items())
    if key == "level_map" and isinstance(value, dict):
        return "；".join(f"{LEVEL_NAMES.get(level, level)}按{LEVEL_NAMES.get(target, target)}"
                        for level, target in value.items())
    if key == "segments":
        return "；".join(_segment(item) for item in value)
    return _words(value, key, groups)


def _words(value: Any, key: str, groups: dict[str, str], nested: bool = False) -> str:
    if value is None:
        return MISSING
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        if key in POINT_KEYS:
            return f"{(value * 100).normalize():f} 个百分点"
        return _rate(value) if key in RATE_KEYS else _amount(value)
    if isinstance(value, int):
        unit = UNITS.get(key, "个月" if key.endswith("_months") else "")
        return f"{value} {unit}".strip()
    if isinstance(value, str):
        return LEVEL_NAMES.get(value) or groups.get(value) or WORDS.get(value) or value
    if isinstance(value, (list, tuple)):
        return "、".join(_words(item, key, groups, nested) for item in value) or MISSING
    if isinstance(value, dict):
        parts = []
        for sub_key, item in value.items():
            name = LEVEL_NAMES.get(sub_key) or groups.get(sub_key) or WORDS.get(sub_key) or FIELD_NAMES.get(sub_key, sub_key)
            if isinstance(item, dict):
                parts.append(f"{name}（{_words(item, key, groups, True)}）")
            else:
                parts.append(f"{name}：{_words(item, sub_key if sub_key in FIELD_NAMES else key, groups, True)}")
        return ("，" if nested else "；").join(parts) or MISSING
    return str(value)


def _amount(value: Decimal) -> str:
    return f"{format_amount(value)} 元"


def _amount_or_full(value) -> str:
    return WORDS["full"] if value == "full" else _amount(value)


def _rate(value: Decimal) -> str:
    percent = (value * 100).normalize()
    return f"{percent:f}%"


def _period_rule(rule: tuple[int, int, int | None]) -> str:
    offset, month, day = rule
    year = "上一年" if offset == -1 else "当年"
    return f"{year}{month}月{day}日" if day is not None else f"{year}{month}月最后一天"


def _subsidy_group(group: dict) -> str:
    """特困供养人员 全额资助; an age limit as the enrolment check applies it (min_age counts, max_age does not)."""
    ages = [f"{group['min_age']}周岁及以上" for _ in [0] if "min_age" in group]
    ages += [f"未满{group['max_age']}周岁" for _ in [0] if "max_age" in group]
    ages = f"（缴费之日{'、'.join(ages)}）" if ages else ""
    return f"{group['name']}{ages} {_amount_or_full(group['amount'])}"


def _disease(item: dict) -> str:
    extra = [f"报销比例 {_rate(item['rate'])}" for _ in [0] if "rate" in item]
    if "annual_cap" in item:
        extra.append(f"年度限额 {_amount(item['annual_cap'])}")
    if "validity_months" in item:
        extra.append(f"有效期 {item['validity_months']} 个月")
    return f"{item['code']} {item['name']}" + (f"（{'，'.join(extra)}）" if extra else "")


def _segment(item: dict) -> str:
    upper = f"至 {_amount(item['to'])}" if "to" in item else "以上"
    return f"{_amount(item['from'])}{upper}：{_rate(item['rate'])}"


def _group_names(pack) -> dict[str, str]:
    if not pack.has("subsidies"):
        return {}
    return {group["code"]: group["name"] for group in pack.section("subsidies")["groups"]}


def _material_names(pack) -> dict[str, str]:
    if not pack.has("materials"):
        return {}
    return {item["key"]: item["name"] for item in pack.section("materials")["items"]}
