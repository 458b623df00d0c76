"""Resident ID numbers (公民身份号码, GB 11643-1999).

18 characters: region code (6), birth date YYYYMMDD (8), sequence (3, odd male, even
female), check character (ISO 7064 MOD 11-2, X for 10). A 15-digit number of the first
generation is converted to 18 digits (insert 19, compute the check character).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from desk.core.canonical import typed
from desk.core.errors import DeskError
from desk.core.regions import region_table

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CHARS = "10X98765432"
MAX_AGE_YEARS = 130
# after folding: ASCII letters and digits only (a letter other than X is refused below, by length or position)
_ID_CHARACTERS = re.compile(r"[0-9A-Z]+")


class IdNumberError(DeskError):
    """公民身份号码不正确。"""

    code = "id_number"

    def __init__(self, message: str, reason_code: str):
        super().__init__(message, field="id_number")
        self.reason_code = reason_code


@dataclass(frozen=True)
class IdNumberInfo:
    id_number: str
    birth_date: date
    sex: str  # 男 / 女
    region_code: str
    region_name: str

    def as_json(self) -> dict:
        return {
            "valid": True,
            "id_number": self.id_number,
            "birth_date": self.birth_date.isoformat(),
            "sex": self.sex,
            "region_code": self.region_code,
            "region_name": self.region_name,
        }


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=False))
    return _CHECK_CHARS[total % 11]


def canonical_text(text: str) -> str:
    """Full-width forms folded to ASCII, the ends stripped, x made X: how a number is compared and stored."""
    value = typed(text if isinstance(text, str) else "")
    # only ASCII is upper-cased: "ß".upper() is "SS" and "ﬁ".upper() "FI", which would make letters of what was not
    return value.upper() if value.isascii() else value


def _normalise(text: str) -> str:
    value = canonical_text(text)
    if not value:
        raise IdNumberError("请输入公民身份号码。", "empty")
    if not _ID_CHARACTERS.fullmatch(value):
        raise IdNumberError(
            "公民身份号码只能由数字0-9和最后一位的X组成（不能有空格、上标或其他文字的数字），请核对后重新输入。",
            "characters",
        )
    if len(value) == 15:
        if not value.isdigit():
            raise IdNumberError("15位身份号码只能由数字组成，请核对后重新输入。", "characters")
        first17 = value[:6] + "19" + value[6:]
        return first17 + check_character(first17)
    if len(value) != 18:
        raise IdNumberError(
            f"公民身份号码应为18位（旧号码15位），现在是{len(value)}位，请核对后重新输入。", "length"
        )
    if not re.fullmatch(r"[0-9]{17}[0-9X]", value):
        raise IdNumberError("公民身份号码前17位只能是数字，最后一位是数字或X，请核对后重新输入。", "characters")
    return value


def canonical_id_number(text: str) -> str | None:
    """The 18-character form of a number whose characters and length are right (15 digits converted), else None.
    The check character, birth date and region are not judged here (`parse_id_number` does)."""
    try:
        return _normalise(text)
    except IdNumberError:
        return None


def _birth_date(value: str, today: date) -> date:
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(
            f"公民身份号码中的出生日期{value[6:10]}-{value[10:12]}-{value[12:14]}不存在，请核对后重新输入。",
            "date",
        ) from None
    if born > today:
        raise IdNumberError(f"公民身份号码中的出生日期{born.isoformat()}晚于今天，请核对后重新输入。", "future")
    if born.year < today.year - MAX_AGE_YEARS or (
        born.year == today.year - MAX_AGE_YEARS and (born.month, born.day) < (today.month, today.day)
    ):
        raise IdNumberError(
            f"公民身份号码中的出生日期{born.isoformat()}早于{MAX_AGE_YEARS}年前，请核对后重新输入。", "too_old"
        )
    return born


def parse_id_number(text: str, today: date | None = None) -> IdNumberInfo:
    """Validate and describe an ID number; raises IdNumberError naming the reason."""
    today = today or date.today()
    value = _normalise(text)
    expected = check_character(value[:17])
    if value[17] != expected:
        raise IdNumberError("公民身份号码校验位不正确（最后一位），请逐位核对后重新输入。", "check")
    born = _birth_date(value, today)
    table = region_table()
    region_code = value[:6]
    if region_code not in table:
        raise IdNumberError(
            f"公民身份号码前6位地区代码{region_code}不存在于行政区划代码中，请核对后重新输入。", "region"
        )
    sex = "男" if int(value[16]) % 2 == 1 else "女"
    return IdNumberInfo(value, born, sex, region_code, table.full_name(region_code) or "")


def make_id_number(region_code: str, birth: date, sequence: int) -> str:
    """Build a valid 18-character number (demo data and tests)."""
    first17 = f"{region_code}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_character(first17)


def mask_id_number(id_number: str) -> str:
    """First 6 and last 4 characters shown, the rest as *, for papers other than forms and certificates."""
    text = (id_number or "").strip()
    if len(text) <= 10:
        return text
    return text[:6] + "*" * (len(text) - 10) + text[-4:]


def age_on(birth: date, on: date) -> int:
    """Full years of age on a date (a person born on 29 February turns a year older on 1 March)."""
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))
