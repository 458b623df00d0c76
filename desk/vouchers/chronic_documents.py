"""The 门诊慢特病申请受理回执: the paper a citizen takes home when a filing is accepted with every
required material (at once, or when the missing ones are brought later).

The payload comes from `desk.services.chronic._issue_receipt`: the person (masked here), the agent
if any, the disease, the 受理号 (filing id, what the citizen quotes to ask about it), the
application date and the day the materials were complete, the materials received by name, and
the office's place, phone and hours. The spec sets no time limit for the review (chronic.md), so
the receipt says so and gives no date (docs/rules.md).
"""

from __future__ import annotations

from desk.vouchers.common import (
    NOTHING,
    SEAL_PLACEHOLDER,
    agent_fields,
    chinese_date,
    disease_text,
    numbered,
    receipt_person_fields,
    verification_note,
)
from desk.vouchers.model import Field, Section, VoucherDoc, VoucherMeta
from desk.vouchers.types import title

FILING_RECEIPT = "filing_receipt"

NEXT_STEP = ("由审核人员审核材料后作出认定决定：准予认定的，出具《门诊慢特病待遇认定通知书》，自认定之日起享受待遇；"
             "不予认定的，出具《门诊慢特病待遇不予认定通知书》，写明理由及复核途径。")
NO_REVIEW_LIMIT = "现行政策未规定统一的审核时限，审核完成即出具结果，其间可凭受理号查询进度"


def build_filing_receipt(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    filing_id = payload["filing_id"]
    return VoucherDoc(
        doc_type=FILING_RECEIPT,
        title=title(FILING_RECEIPT),
        meta=meta,
        sections=(
            Section(f"受理号：{filing_id}", paragraphs=(receipt_opening(payload),)),
            Section("申请人", receipt_applicant_fields(payload)),
            Section(f"已收材料（共{len(payload.get('received') or [])}项）",
                    paragraphs=numbered(list(payload.get("received") or [])) or (NOTHING,)),
            Section("下一步", paragraphs=(f"{NEXT_STEP}审核时限：{NO_REVIEW_LIMIT}。",)),
            Section("进度查询", paragraphs=(progress_text(payload, meta),)),
        ),
        notes=(verification_note(meta), "请妥善保管本回执，领取认定结果时请一并携带。"),
        closing=(f"受理日期：{chinese_date(payload['accepted_on'])}", SEAL_PLACEHOLDER),
    )


def receipt_opening(payload: dict) -> str:
    disease = payload["disease"]
    person = payload["person"]
    agent = payload.get("agent")
    by_agent = f"（由代办人{agent['name']}代为申请）" if agent else ""
    completed = ""
    if payload["accepted_on"] != payload["application_date"]:
        completed = f"，所缺材料已于{chinese_date(payload['accepted_on'])}补齐"
    return (f"{person['name']}：您于{chinese_date(payload['application_date'])}提出的"
            f"{disease_text(disease)}{disease['kind_name']}待遇认定申请{by_agent}{completed}，"
            "申请材料齐全，予以受理。")


def receipt_applicant_fields(payload: dict) -> tuple[Field, ...]:
    fields = receipt_person_fields(payload["person"])
    return fields + agent_fields(payload.get("agent"))


def progress_text(payload: dict, meta: VoucherMeta) -> str:
    phone = payload.get("office_phone") or meta.office_phone
    hours = payload.get("office_hours") or meta.office_hours
    call = f"拨打咨询电话 {phone} 报受理号，或" if phone else ""
    when = f"在办公时间（{hours}）" if hours else "在办公时间"
    return f"{call}{when}携带本回执到{payload['where']}查询办理进度、领取认定结果。"
