"""Builders: a stored JSON-able payload plus its `VoucherMeta` → a `VoucherDoc`.

The service stores the payload with the voucher, so a reprint rebuilds the same document
from the same payload (only the meta's print time and reprint count change).
Amounts arrive as strings already formatted with two decimals; nothing here does arithmetic
on money.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal, InvalidOperation
from typing import Callable

from desk.core.idnumber import mask_id_number
from desk.vouchers.model import Field, Section, Table, VoucherDoc, VoucherMeta
from desk.vouchers.render import render_pdf

ENROLMENT_RECEIPT = "enrolment_receipt"
ENROLMENT_CERTIFICATE = "enrolment_certificate"

DOCUMENT_TITLES: dict[str, str] = {
    ENROLMENT_RECEIPT: "城乡居民基本医疗保险参保登记回执",
    ENROLMENT_CERTIFICATE: "基本医疗保险参保凭证",
}

NO_LOCAL_PERIODS = "无本地参保记录"
SEAL_PLACEHOLDER = "（经办机构章）"
PERIOD_COLUMNS = ("年度", "起始日期", "终止日期", "缴费月数", "状态")
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


def region_text(name: str, code: str) -> str:
    return f"{name}（{code}）" if code else name


def a4_only(meta: VoucherMeta) -> VoucherMeta:
    """Documents other than receipts and settlements always print on A4 (vouchers.md)."""
    return meta if meta.paper.upper() == "A4" else replace(meta, paper="A4")


def verification_note(meta: VoucherMeta) -> str:
    return f"可凭编号 {meta.number} 及校验码 {meta.code}（或扫描右上角二维码）在经办窗口核验本凭证真伪。"


# --------------------------------------------------------------------------- 参保登记回执


def build_enrolment_receipt(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    person, enrolment = payload["person"], payload["enrolment"]
    return VoucherDoc(
        doc_type=ENROLMENT_RECEIPT,
        title=DOCUMENT_TITLES[ENROLMENT_RECEIPT],
        meta=meta,
        sections=(
            Section("参保人信息", receipt_person_fields(person)),
            Section("参保缴费信息", receipt_contribution_fields(enrolment)),
            Section("待遇享受", receipt_benefit_fields(enrolment)),
        ),
        notes=receipt_notes(enrolment, meta),
        signature_lines=("参保人（签字）", "经办人（签字）"),
    )


def receipt_person_fields(person: dict) -> tuple[Field, ...]:
    return (
        Field("姓名", person["name"]),
        Field("性别", person.get("sex") or ""),
        Field("证件类型", person.get("id_type") or "居民身份证"),
        Field("证件号码", mask_id_number(person["id_number"])),
    )


# Which receipt fields each provisional label (from the quote) makes provisional. The amount
# payable is individual minus subsidy, so it is provisional whenever either standard is.
PROVISIONAL_FIELDS = {
    "个人缴费标准": ("个人缴费标准", "应缴金额"),
    "资助参保标准": ("财政资助", "应缴金额"),
    "财政资助": ("财政资助", "应缴金额"),
    "集中参保期": ("待遇享受开始日期", "等待期"),
    "待遇等待期规则": ("待遇享受开始日期", "等待期"),
}


def provisional_fields(enrolment: dict) -> set[str]:
    labels = enrolment.get("provisional") or ()
    return {field for label in labels for field in PROVISIONAL_FIELDS.get(label, (label,))}


def receipt_contribution_fields(enrolment: dict) -> tuple[Field, ...]:
    provisional = provisional_fields(enrolment)
    fields = [
        Field("险种", enrolment["scheme_name"]),
        Field("待遇年度", f"{enrolment['year']}年度"),
        Field("参保地", region_text(enrolment["region_name"], enrolment.get("region_code", ""))),
        Field("资助类别", applied_groups_text(enrolment.get("groups_applied") or [])),
    ]
    not_applicable = enrolment.get("groups_not_applicable") or []
    if not_applicable:
        fields.append(Field("未适用资助类别", not_applicable_text(not_applicable)))
    fields += [
        Field("个人缴费标准", yuan(enrolment["individual"]), "个人缴费标准" in provisional),
        Field("财政资助", subsidy_text(enrolment), "财政资助" in provisional),
        Field("应缴金额", yuan(enrolment["payable"]), "应缴金额" in provisional),
        Field("缴费日期", enrolment.get("paid_on") or "未缴费"),
    ]
    return tuple(fields)


def applied_groups_text(groups: list[dict]) -> str:
    if not groups:
        return "无"
    parts = [f"{group['name']}（{group['document']}）" if group.get("document") else group["name"] for group in groups]
    return "、".join(parts)


def not_applicable_text(groups: list[dict]) -> str:
    return "；".join(f"{group['name']}：{group['reason']}" if group.get("reason") else group["name"] for group in groups)


def subsidy_text(enrolment: dict) -> str:
    group_name = enrolment.get("subsidy_group_name")
    amount = yuan(enrolment.get("subsidy"))
    return f"{amount}（{group_name}）" if group_name else amount


def waiting_text(months: int | None) -> str:
    return f"{months}个月" if months else "无等待期"


def receipt_benefit_fields(enrolment: dict) -> tuple[Field, ...]:
    provisional = provisional_fields(enrolment)
    return (
        Field("待遇享受开始日期", enrolment["benefit_start"], "待遇享受开始日期" in provisional),
        Field("等待期", waiting_text(enrolment.get("waiting_months")), "等待期" in provisional),
        Field("说明", enrolment.get("reason") or ""),
    )


def receipt_notes(enrolment: dict, meta: VoucherMeta) -> tuple[str, ...]:
    pack = f"本次参保按政策包 {enrolment['pack_id']}（版本 {enrolment['pack_version']}）确定缴费、资助及待遇标准。"
    notes = [pack, verification_note(meta), "请妥善保管本回执。"]
    unknown = [label for label in enrolment.get("provisional") or () if label not in PROVISIONAL_FIELDS]
    if unknown:  # a standard the receipt has no field for: still say it is provisional
        notes.append(f"以下标准为暂定：{'、'.join(unknown)}。")
    return tuple(notes)


# --------------------------------------------------------------------------- 参保凭证


def build_enrolment_certificate(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    meta = a4_only(meta)
    return VoucherDoc(
        doc_type=ENROLMENT_CERTIFICATE,
        title=DOCUMENT_TITLES[ENROLMENT_CERTIFICATE],
        meta=meta,
        sections=(
            Section("参保人信息", certificate_person_fields(payload["person"])),
            Section("参保信息", certificate_scheme_fields(payload)),
            periods_section(payload.get("periods") or []),
        ),
        notes=(
            f"本凭证所列为在{payload['region_name']}的参保缴费记录，数据截至 {payload['as_of']}。",
            verification_note(meta),
        ),
        closing=(
            f"出具机构：{payload['issuing_office']}",
            f"出具日期：{payload['as_of']}",  # the issue date, so a 补打 says the same
            SEAL_PLACEHOLDER,
        ),
    )


def certificate_person_fields(person: dict) -> tuple[Field, ...]:
    return (
        Field("姓名", person["name"]),
        Field("性别", person.get("sex") or ""),
        Field("证件类型", person.get("id_type") or "居民身份证"),
        Field("证件号码", person["id_number"]),
        Field("个人编号", person.get("personal_number") or ""),
    )


def certificate_scheme_fields(payload: dict) -> tuple[Field, ...]:
    return (
        Field("险种", payload["scheme_name"]),
        Field("统筹区", region_text(payload["region_name"], payload.get("region_code", ""))),
        Field("记录截至", payload["as_of"]),
    )


def periods_section(periods: list[dict]) -> Section:
    if not periods:
        return Section("本地参保缴费记录", paragraphs=(NO_LOCAL_PERIODS,))
    rows = tuple(
        (f"{period['year']}", period.get("from") or "", period.get("to") or "",
         f"{period['months_paid']}", period.get("status") or "")
        for period in periods
    )
    total = sum(int(period["months_paid"]) for period in periods)
    return Section(
        "本地参保缴费记录",
        table=Table(PERIOD_COLUMNS, rows),
        paragraphs=(f"累计缴费月数：{total}个月（共 {len(periods)} 个年度）",),
    )


# --------------------------------------------------------------------------- registry

BUILDERS: dict[str, Callable[[dict, VoucherMeta], VoucherDoc]] = {
    ENROLMENT_RECEIPT: build_enrolment_receipt,
    ENROLMENT_CERTIFICATE: build_enrolment_certificate,
}


def build_voucher(doc_type: str, payload: dict, meta: VoucherMeta) -> VoucherDoc:
    try:
        builder = BUILDERS[doc_type]
    except KeyError:
        raise ValueError(f"unknown voucher type {doc_type!r}; known: {sorted(BUILDERS)}") from None
    return builder(payload, meta)


def render_voucher(doc_type: str, payload: dict, meta: VoucherMeta) -> bytes:
    """Build the document of `doc_type` from its stored payload and render it to PDF bytes."""
    return render_pdf(build_voucher(doc_type, payload, meta))
