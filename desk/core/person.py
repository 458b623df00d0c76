"""The person form: validation of what the clerk types (enrolment.md, "The person").

Returns every problem at once; sex, birth date and native region are derived from the ID number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.core.canonical import encodable, fold_width
from desk.core.dates import DateError, parse_date
from desk.core.errors import Problem
from desk.core.idnumber import IdNumberError, canonical_text, parse_id_number

ID_TYPES = ("居民身份证", "港澳台居民居住证", "外国人永久居留身份证", "出生医学证明")
HOUSEHOLD_TYPES = ("城镇", "农村")

# GB 3304 中国各民族名称的罗马字母拼写法和代码, in code order
ETHNICITIES = (
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
)

NAME_PATTERN = re.compile(r"[\u3400-\u9fff\uf900-\ufaffA-Za-z·•．. ]{1,30}")
MOBILE_PATTERN = re.compile(r"1[3-9][0-9]{9}")
LANDLINE_PATTERN = re.compile(r"0[0-9]{2,3}-?[0-9]{7,8}(-[0-9]{1,6})?")
# 出生医学证明: a letter followed by 9 digits (e.g. O530123456) is the common national format
BIRTH_CERTIFICATE_PATTERN = re.compile(r"[A-Z][0-9]{9}")
OTHER_DOCUMENT_PATTERN = re.compile(r"[A-Z0-9]{8,20}")


@dataclass(frozen=True)
class PersonForm:
    id_type: str
    id_number: str
    name: str
    ethnicity: str
    phone: str | None
    household_type: str | None
    address: str | None
    township: str | None
    village: str | None
    groups: tuple[tuple[str, str], ...]  # (group code, proving document)
    sex: str
    birth_date: date
    native_region: str | None
    region_name: str | None

    def as_row(self) -> dict:
        import json

        return {
            "id_type": self.id_type,
            "id_number": self.id_number,
            "name": self.name,
            "sex": self.sex,
            "birth_date": self.birth_date.isoformat(),
            "native_region": self.native_region,
            "ethnicity": self.ethnicity,
            "phone": self.phone,
            "household_type": self.household_type,
            "address": self.address,
            "township": self.township,
            "village": self.village,
            "groups_json": json.dumps([{"code": c, "document": d} for c, d in self.groups], ensure_ascii=False),
        }


def _text(value) -> str:
    if value is None or isinstance(value, (dict, list, tuple, set)):
        return ""
    return str(value).strip()


def check_name(value) -> str | None:
    name = _text(value)
    if not name:
        return "请填写姓名。"
    if len(name) > 30:
        return f"姓名最多30个字，现在是{len(name)}个字。"
    if re.search(r"\d", name):
        return "姓名中不能有数字，请核对。"
    if not NAME_PATTERN.fullmatch(name):
        return "姓名中有不允许的符号：只能是汉字、字母和间隔号“·”。"
    return None


def canonical_phone(value) -> str:
    """A phone number as stored and searched: full-width digits and hyphens in ASCII, spaces removed."""
    return fold_width(_text(value)).replace(" ", "").strip()


def check_phone(value) -> str | None:
    phone = canonical_phone(value)
    if not phone:
        return None
    if MOBILE_PATTERN.fullmatch(phone) or LANDLINE_PATTERN.fullmatch(phone):
        return None
    return "联系电话应为11位手机号（1开头）或带区号的固定电话（如 0872-2123456）。"


def _identity(form: dict, today: date, problems: list[Problem]):
    id_type = _text(form.get("id_type")) or ID_TYPES[0]
    if id_type not in ID_TYPES:
        problems.append(Problem("id_type", "unknown", "证件类型只能从列表中选择。"))
        return id_type, canonical_text(_text(form.get("id_number"))), None
    number = canonical_text(_text(form.get("id_number")))
    if id_type == "居民身份证":
        try:
            return id_type, None, parse_id_number(number, today)
        except IdNumberError as error:
            problems.append(Problem("id_number", error.reason_code, error.message))
            return id_type, number, None
    pattern = BIRTH_CERTIFICATE_PATTERN if id_type == "出生医学证明" else OTHER_DOCUMENT_PATTERN
    if not pattern.fullmatch(number):
        hint = "一个字母加9位数字" if id_type == "出生医学证明" else "8到20位字母或数字"
        problems.append(Problem("id_number", "format", f"{id_type}编号应为{hint}，请核对。"))
    return id_type, number, None


def _derived_without_id(form: dict, problems: list[Problem], today: date):
    sex = _text(form.get("sex"))
    if sex not in ("男", "女"):
        problems.append(Problem("sex", "required", "请选择性别。"))
    raw = form.get("birth_date")
    try:
        born = parse_date(raw if isinstance(raw, (str, date)) else "", "birth_date", "出生日期")
    except DateError as error:
        problems.append(Problem("birth_date", "format", error.message if raw else "请按 YYYY-MM-DD 填写出生日期。"))
        return sex, None
    if born > today:
        problems.append(Problem("birth_date", "future", "出生日期不能晚于今天。"))
    return sex, born


def validate_person_form(form: dict, known_groups: dict[str, str], today: date) -> tuple[PersonForm | None, list[Problem]]:
    """Check the whole form; returns the clean form or every problem found."""
    if not isinstance(form, dict):
        return None, [Problem("form", "type", "参保人信息格式不对。")]
    problems: list[Problem] = []
    id_type, number, info = _identity(form, today, problems)
    if info is None and id_type != "居民身份证":
        sex, born = _derived_without_id(form, problems, today)
    else:
        sex, born = (info.sex, info.birth_date) if info else (None, None)
    name_problem = check_name(form.get("name"))
    if name_problem:
        problems.append(Problem("name", "name", name_problem))
    ethnicity = _text(form.get("ethnicity")) or "汉族"
    if ethnicity not in ETHNICITIES:
        problems.append(Problem("ethnicity", "unknown", "民族请从56个民族中选择。"))
    phone_problem = check_phone(form.get("phone"))
    if phone_problem:
        problems.append(Problem("phone", "phone", phone_problem))
    household = _text(form.get("household_type")) or None
    if household is not None and household not in HOUSEHOLD_TYPES:
        problems.append(Problem("household_type", "unknown", "户籍性质只能是“城镇”或“农村”。"))
    for key, label in (("address", "地址"), ("township", "乡镇（街道）"), ("village", "村（社区）")):
        if len(_text(form.get(key))) > 100:
            problems.append(Problem(key, "too_long", f"{label}最多100个字。"))
        elif not encodable(_text(form.get(key))):
            problems.append(Problem(key, "characters", f"{label}含有无法识别的字符（编码有误），请重新输入。"))
    groups = _groups(form.get("groups") or [], known_groups, problems)
    if problems:
        return None, problems
    return (
        PersonForm(
            id_type=id_type,
            id_number=info.id_number if info else number,
            name=_text(form.get("name")),
            ethnicity=ethnicity,
            phone=canonical_phone(form.get("phone")) or None,
            household_type=household,
            address=_text(form.get("address")) or None,
            township=_text(form.get("township")) or None,
            village=_text(form.get("village")) or None,
            groups=groups,
            sex=sex,
            birth_date=born,
            native_region=info.region_code if info else None,
            region_name=info.region_name if info else None,
        ),
        [],
    )


def _groups(raw, known_groups: dict[str, str], problems: list[Problem]) -> tuple[tuple[str, str], ...]:
    result = []
    seen = set()
    if not isinstance(raw, (list, tuple)):
        problems.append(Problem("groups", "type", "资助类别应从列表中勾选。"))
        return ()
    for item in raw:
        code = _text(item.get("code") if isinstance(item, dict) else item)
        document = _text(item.get("document") if isinstance(item, dict) else "")
        if code not in known_groups:
            problems.append(Problem("groups", "unknown_group", f"资助类别“{code}”不存在，请从列表中选择。"))
            continue
        if code in seen:
            problems.append(Problem("groups", "duplicate_group", f"资助类别“{known_groups[code]}”重复选择了。"))
            continue
        if not document:
            problems.append(
                Problem("groups", "document_required", f"资助类别“{known_groups[code]}”须填写证明文件（如证件编号或认定文件号）。")
            )
            continue
        seen.add(code)
        result.append((code, document))
    return tuple(result)
