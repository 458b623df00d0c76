"""Checks at the boundary of every service: a value of the wrong type is refused with a Chinese
message naming the field, never allowed to fail deeper down."""

from __future__ import annotations

from datetime import date, datetime

from desk.core.canonical import encodable
from desk.core.dates import DateError, in_range, parse_date
from desk.core.errors import ValidationError


def text(value, field: str, label: str) -> str:
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError.single(field, "type", f"{label}应填写文字。")
    result = str(value).strip()
    if "\x00" in result:
        raise ValidationError.single(field, "characters", f"{label}含有不可见的控制字符，请重新输入。")
    if not encodable(result):
        raise ValidationError.single(field, "characters", f"{label}含有无法识别的字符（编码有误），请重新输入。")
    return result


def flag(value, field: str, label: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError.single(field, "type", f"{label}只能是“是”或“否”。")
    return value


def day(value, field: str, label: str) -> date:
    """A date, or YYYY-MM-DD text (full-width digits read as ASCII), within the dates desk works with."""
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, str) and len(value.strip()) == 10:
        try:
            return parse_date(value, field, label)
        except DateError as error:
            raise ValidationError.single(field, "date", error.message) from None
    if isinstance(value, date):
        try:
            return in_range(value, field, label)
        except DateError as error:
            raise ValidationError.single(field, "date", error.message) from None
    raise ValidationError.single(field, "date", f"{label}应为有效日期（YYYY-MM-DD）。")


def optional_day(value, field: str, label: str) -> date | None:
    return None if value is None or value == "" else day(value, field, label)


def record_id(value, field: str, label: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValidationError.single(field, "id", f"{label}不存在，请重新选择。")
    return value


def mapping(value, field: str, label: str) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError.single(field, "type", f"{label}的格式不对。")
    return value


def text_list(value, field: str, label: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
        raise ValidationError.single(field, "type", f"{label}应为勾选项的列表。")
    return list(value)


