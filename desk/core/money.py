"""Money: Decimal in code, integer fen in the database, two decimals on paper.

Rounding happens only where the spec says (ROUND_HALF_UP to 0.01, see `round_fen`).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal

from desk.core.canonical import typed
from desk.core.errors import DeskError

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
_AMOUNT_PATTERN = re.compile(r"[0-9]{1,12}(\.[0-9]{1,2})?")


class AmountError(DeskError):
    """金额格式不正确：请填写不为负数、最多两位小数的金额，例如 1200.50。"""

    code = "amount"


def parse_amount(text: object, field: str = "amount", label: str = "金额") -> Decimal:
    """A non-negative amount with at most two decimals, given as a string (never a float)."""
    if isinstance(text, bool) or not isinstance(text, (str, Decimal)):
        raise AmountError(f"{label}必须以文字形式填写（例如 \"1200.50\"），不能是数字类型。", field=field)
    value = typed(str(text))
    if len(value) > 40:
        raise AmountError(f"{label}太长（{len(value)}个字符），请填写最多两位小数的金额，例如 1200.50。", field=field)
    if not value:
        raise AmountError(f"请填写{label}。", field=field)
    if value.startswith("-"):
        raise AmountError(f"{label}不能为负数，请重新填写。", field=field)
    if not _AMOUNT_PATTERN.fullmatch(value):
        raise AmountError(f"{label}“{value}”格式不正确：请填写最多两位小数的金额，例如 1200.50。", field=field)
    return Decimal(value).quantize(CENT)


def to_fen(amount: Decimal) -> int:
    quantised = amount.quantize(CENT)
    if quantised != amount:
        raise ValueError(f"amount {amount} has more than two decimals")
    return int(quantised * 100)


def from_fen(fen: int) -> Decimal:
    return (Decimal(int(fen)) / 100).quantize(CENT)


def format_amount(amount: Decimal) -> str:
    return f"{amount.quantize(CENT):.2f}"


def round_fen(value: Decimal) -> Decimal:
    """ROUND_HALF_UP to 0.01: only where the spec says a result is rounded."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
