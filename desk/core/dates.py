"""Calendar helpers (pure)."""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime

from desk.core.canonical import typed
from desk.core.errors import DeskError


class DateError(DeskError):
    """日期格式不正确：请按 YYYY-MM-DD 填写，例如 2026-03-10。"""

    code = "date"


def add_months(start: date, months: int) -> date:
    """Same day of month `months` later, or that month's last day when it has no such day."""
    month_index = start.month - 1 + months
    year = start.year + month_index // 12
    month = month_index % 12 + 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(start.day, last_day))


def last_day_of_month(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


# The dates desk works with: business dates, deadlines and benefit years far inside this range, so
# date arithmetic on any accepted date (a deadline years ahead, a month back) never leaves Python's
# date range; a date outside it is a typing mistake (year 1, 9999-12-31) and refused by name.
EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
_DATE_PATTERN = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def in_range(day: date, field: str, label: str) -> date:
    if not EARLIEST <= day <= LATEST:
        raise DateError(
            f"{label} {day.isoformat()} 超出可办理的日期范围（{EARLIEST.isoformat()} 至 {LATEST.isoformat()}），请核对年份。",
            field=field,
        )
    return day


def parse_date(text: object, field: str = "date", label: str = "日期") -> date:
    """YYYY-MM-DD in ASCII or full-width digits, between EARLIEST and LATEST; else DateError naming the field."""
    if isinstance(text, datetime):
        return in_range(text.date(), field, label)
    if isinstance(text, date):
        return in_range(text, field, label)
    if not isinstance(text, str):
        raise DateError(f"{label}必须按 YYYY-MM-DD 填写，例如 2026-03-10。", field=field)
    value = typed(text)
    shown = value if len(value) <= 20 else value[:20] + "…"
    try:
        if not _DATE_PATTERN.fullmatch(value):
            raise ValueError
        day = date.fromisoformat(value)
    except ValueError:
        raise DateError(f"{label}“{shown}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-03-10。", field=field) from None
    return in_range(day, field, label)
