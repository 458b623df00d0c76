"""Calendar helpers (pure)."""

from __future__ import annotations

import calendar
from datetime import date

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


def parse_date(text: object, field: str = "date", label: str = "日期") -> date:
    if isinstance(text, date):
        return text
    if not isinstance(text, str):
        raise DateError(f"{label}必须按 YYYY-MM-DD 填写，例如 2026-03-10。", field=field)
    value = text.strip()
    try:
        if len(value) != 10:
            raise ValueError
        return date.fromisoformat(value)
    except ValueError:
        raise DateError(f"{label}“{value}”不是有效日期，请按 YYYY-MM-DD 填写，例如 2026-03-10。", field=field) from None
