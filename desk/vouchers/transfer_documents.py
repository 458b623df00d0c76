"""The 转移接续"一件事" papers: the filled 申请登记表 for signature and the 受理回执.

Payloads come from `desk.services.transfer._payload`: the stored `form` (applicant, agent,
transfer-out and transfer-in places, what moves), the names already in Chinese
(`direction_name`, `scope_name`, `transferred`, `materials_received`), the query number, the
acceptance and due dates (`due_provisional` when a year's official holiday schedule was not
yet published), the working days and the office's phone and hours.

The form is signed by the citizen, so it carries the ID numbers in full (the agent's too); the
receipt masks them (vouchers.md). The form prints on A4 only; the receipt on A4 or A5.
"""

from __future__ import annotations

from desk.vouchers.common import (
    NOTHING,
    SEAL_PLACEHOLDER,
    numbered,
    receipt_person_fields,
    region_text,
    verification_note,
)
from desk.vouchers.model import Field, Section, VoucherDoc, VoucherMeta
from desk.vouchers.types import title

TRANSFER_FORM = "transfer_form"
TRANSFER_RECEIPT = "transfer_receipt"

PROVINCE_FORM_TITLE = "省内医保社保关系转移接续“一件事”申请登记表"

# What may be transferred (transfer.md): the employees' medical insurance and at most one pension.
TRANSFER_KINDS = ("职工基本医疗保险", "城乡居民基本养老保险", "企业职工基本养老保险")
# The bundled font has no ☑/☐ (U+2611, U+2610) but has √; the empty box is two no-break
# spaces, about as wide as the √, so the kind names line up. Between the options a run of
# no-break spaces (reportlab collapses a U+3000 gap to one narrow space).
TICKED = "（√）"
UNTICKED = "（\u00a0\u00a0）"
KIND_GAP = "\u00a0" * 8

DECLARATION = "本人承诺所填信息及提供材料真实有效，如有虚假，愿承担相应法律责任。"


def ticked_kinds(transferred: list[str]) -> str:
    """Every kind with its box, ticked when it moves: （√）职工基本医疗保险　　（  ）城乡居民…

    A kind the payload names that is not among the three options is listed too, ticked.
    """
    moving = list(transferred or ())
    kinds = list(TRANSFER_KINDS) + [kind for kind in moving if kind not in TRANSFER_KINDS]
    return KIND_GAP.join(f"{TICKED if kind in moving else UNTICKED}{kind}" for kind in kinds)


def transferred_text(transferred: list[str]) -> str:
    return "、".join(transferred) if transferred else NOTHING


def place_text(place: dict) -> str:
    return region_text(place.get("region_name") or "", place.get("region_code") or "")


# --------------------------------------------------------------------------- 申请登记表


def form_title(payload: dict) -> str:
    return PROVINCE_FORM_TITLE if payload["form"].get("scope") == "province" else title(TRANSFER_FORM)


def build_transfer_form(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    """The filled form for the applicant's (and the agent's) signature, full ID numbers.

    Kept to one A4 page with an agent and three signatures: the materials and the former
    personal number ride in 转移信息, and the declaration stands in a box of its own (no
    heading) right above the signature lines.
    """
    form = payload["form"]
    agent = form.get("agent")
    sections = [
        Section("申请人信息", applicant_fields(form["applicant"])),
        Section("转移信息", form_transfer_fields(payload)),
        Section("转出地", place_fields(form.get("out") or {})),
        Section("转入地", place_fields(form.get("in") or {})),
    ]
    if agent:
        sections.append(Section("代办人信息", agent_fields(agent)))
    sections.append(Section("", paragraphs=(DECLARATION,)))
    signatures = ("申请人（签字）",) + (("代办人（签字）",) if agent else ()) + ("受理人（签字）",)
    return VoucherDoc(
        doc_type=TRANSFER_FORM,
        title=form_title(payload),
        meta=meta,
        sections=tuple(sections),
        notes=(verification_note(meta),),
        signature_lines=signatures,
    )


def applicant_fields(applicant: dict) -> tuple[Field, ...]:
    return (
        Field("姓名", applicant["name"]),
        Field("性别", applicant.get("sex") or ""),
        Field("证件类型", applicant.get("id_type") or "居民身份证"),
        Field("证件号码", applicant["id_number"]),
        Field("联系电话", applicant.get("phone") or ""),
        Field("人员状态", applicant.get("status") or ""),
        Field("户籍地", applicant.get("household_place") or ""),
        Field("联系地址", applicant.get("address") or ""),
    )


def form_transfer_fields(payload: dict) -> tuple[Field, ...]:
    return (
        Field("转移方向", payload["direction_name"]),
        Field("转移范围", payload["scope_name"]),
        Field("查询号", payload["query_number"]),
        Field("原参保地个人编号", payload["form"].get("former_personal_number") or ""),
        Field("转移险种", ticked_kinds(payload.get("transferred") or [])),
        Field("已收材料", materials_text(payload.get("materials_received") or [])),
    )


def materials_text(materials: list[str]) -> str:
    """"1．居民身份证（原件或复印件）；2．《…联系函》": running text, so a third item wraps as a sentence would."""
    return "；".join(numbered(list(materials))) or NOTHING


def place_fields(place: dict) -> tuple[Field, ...]:
    return (
        Field("行政区划", place_text(place)),
        Field("经办机构", place.get("office") or ""),
        Field("经办机构电话", place.get("phone") or ""),
        Field("经办机构地址", place.get("address") or ""),
    )


def agent_fields(agent: dict) -> tuple[Field, ...]:
    return (
        Field("代办人姓名", agent["name"]),
        Field("证件号码", agent.get("id_number") or ""),
        Field("联系电话", agent.get("phone") or ""),
        Field("与申请人关系", agent.get("relationship") or ""),
    )


# --------------------------------------------------------------------------- 受理回执


def build_transfer_receipt(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    """The receipt with the query number and the due date; masked ID; A4 or A5."""
    form = payload["form"]
    phone = payload.get("office_phone") or meta.office_phone
    hours = payload.get("office_hours") or meta.office_hours
    return VoucherDoc(
        doc_type=TRANSFER_RECEIPT,
        title=title(TRANSFER_RECEIPT),
        meta=meta,
        sections=(
            Section(f"查询号：{payload['query_number']}", paragraphs=(query_sentence(payload),)),
            Section("申请人", receipt_person_fields(form["applicant"])),
            Section("转移事项", receipt_transfer_fields(payload)),
            Section("已收材料", paragraphs=numbered(list(payload.get("materials_received") or [])) or (NOTHING,)),
            Section("办理时限", deadline_fields(payload), paragraphs=deadline_paragraphs(payload)),
            Section("进度查询", paragraphs=progress_paragraphs(payload, meta, phone, hours)),
        ),
        notes=(verification_note(meta), "请妥善保管本回执。"),
        closing=(SEAL_PLACEHOLDER,),  # the 受理日期 is under 办理时限
    )


def query_sentence(payload: dict) -> str:
    return (f"您的医保社保关系转移接续“一件事”申请已于{payload['accepted_on']}受理。"
            "查询办理进度时请提供上列查询号。")


def receipt_transfer_fields(payload: dict) -> tuple[Field, ...]:
    form = payload["form"]
    return (
        Field("转移方向", payload["direction_name"]),
        Field("转移范围", payload["scope_name"]),
        Field("转出地", place_text(form.get("out") or {})),
        Field("转入地", place_text(form.get("in") or {})),
        Field("转移险种", transferred_text(payload.get("transferred") or [])),
    )


def deadline_fields(payload: dict) -> tuple[Field, ...]:
    return (
        Field("受理日期", payload["accepted_on"]),
        Field("承诺办结日期", payload["due_date"], bool(payload.get("due_provisional"))),
    )


def deadline_paragraphs(payload: dict) -> tuple[str, ...]:
    rule = f"自受理之日起{payload['working_days']}个工作日内办结，节假日顺延。"
    if not payload.get("due_provisional"):
        return (rule,)
    year = payload["due_date"][:4]
    return (rule, f"承诺办结日期标注“暂定”：{year}年国家法定节假日安排尚未公布，该日期暂按周末及法定节假日推算；"
                  "安排公布后将重新计算，日期如有变化，经办机构将告知您。")


def progress_paragraphs(payload: dict, meta: VoucherMeta, phone: str, hours: str) -> tuple[str, ...]:
    """Running text, not a grid: it stands beside the stamp area, where a grid's label column is too wide."""
    window = " ".join(part for part in (meta.office_name, meta.window) if part)
    call = "拨打上列咨询电话并报查询号，或" if phone else ""
    return (
        f"咨询电话：{phone or NOTHING}；办公时间：{hours or NOTHING}。",
        f"{call}在办公时间携带本回执（查询号 {payload['query_number']}）到{window}查询。",
    )
