"""Helpers every builder module shares: amounts, the masked person block, numbering, notes.

`documents` (enrolment and filing papers, and the registry) and `settlement_documents`
(结算单, 冲正凭证) both import from here, so neither has to import the other's builders.
Amounts arrive as strings already formatted with two decimals; nothing here does arithmetic
on money.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from desk.core.idnumber import mask_id_number
from desk.vouchers.model import Field, VoucherMeta

SEAL_PLACEHOLDER = "经办机构（章）"  # a closing line; render draws the stamp area (40 mm) for it
NOTHING = "无"
CENT = Decimal("0.01")


def yuan(amount: str | None) -> str:
    """"400.00" → "400.00 元"; "400" → "400.00 元"; a missing amount prints as 0.00 元.

    Never rounds: an amount with more than two decimals prints as given.
    """
    text = (amount or "0.00").strip()
    try:
        value = Decimal(text)
    except InvalidOperation:
        return f"{text} 元"
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        text = f"{value.quantize(CENT):f}"
    return f"{text} 元"


def chinese_date(iso: str) -> str:
    """"2026-12-01" → "2026年12月1日": a date no reader can take for another (no bare 12-01)."""
    year, month, day = (int(part) for part in iso.split("-"))
    return f"{year}年{month}月{day}日"


def region_text(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


def verification_note(meta: VoucherMeta) -> str:
    return f"可凭编号 {meta.number} 及校验码 {meta.code}（或扫描右上角二维码）在经办窗口核验本凭证真伪。"


def numbered(items: list[str]) -> tuple[str, ...]:
    """One paragraph per item, "1．…", so every item stands on its own ruled line."""
    return tuple(f"{index}．{item}" for index, item in enumerate(items, start=1))


def addressee(person: dict) -> str:
    """Who a notice speaks to: the name and the masked ID, e.g. 杨丽华（居民身份证 532923********4529）."""
    id_type = person.get("id_type") or "居民身份证"
    return f"{person['name']}（{id_type} {mask_id_number(person['id_number'])}）"


def receipt_person_fields(person: dict) -> tuple[Field, ...]:
    """Name, sex, ID type and the masked ID number (first 6 and last 4 shown)."""
    return (
        Field("姓名", person["name"]),
        Field("性别", person.get("sex") or ""),
        Field("证件类型", person.get("id_type") or "居民身份证"),
        Field("证件号码", mask_id_number(person["id_number"])),
    )


def masked_person_fields(person: dict, personal_number: str | None = None) -> tuple[Field, ...]:
    fields = receipt_person_fields(person)
    return fields + (Field("个人编号", personal_number),) if personal_number else fields


def disease_text(disease: dict) -> str:
    return f"{disease['name']}（{disease['code']}）"


def agent_fields(agent: dict | None) -> tuple[Field, ...]:
    """The 代办人 lines of a notice or receipt (ID masked); none when the citizen applied in person."""
    if not agent:
        return ()
    return (
        Field("代办人", agent["name"]),
        Field("与申请人关系", agent.get("relationship") or ""),
        Field("代办人证件号码", mask_id_number(agent.get("id_number") or "")),
        Field("代办人电话", agent.get("phone") or ""),
    )
