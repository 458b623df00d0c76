"""Builders: a stored JSON-able payload plus its `VoucherMeta` → a `VoucherDoc`, and the registry.

The service stores the payload with the voucher, so a reprint rebuilds the same document
from the same payload (only the meta's print time and reprint count change).
Amounts arrive as strings already formatted with two decimals; nothing here does arithmetic
on money.

The enrolment and filing papers are built here; the settlement papers (结算单, 冲正凭证) in
`settlement_documents`; the transfer papers (申请登记表, 受理回执) in `transfer_documents`; the
helpers they use live in `common` and stay importable from here.
Which builder draws which document type, on which paper, is said once, in `types.DOCUMENT_TYPES`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from desk.vouchers.common import (  # noqa: F401 (CENT, NOTHING, region_text, ... re-exported)
    CENT,
    NOTHING,
    SEAL_PLACEHOLDER,
    addressee,
    agent_fields,
    chinese_date,
    disease_text,
    masked_person_fields,
    numbered,
    receipt_person_fields,
    region_text,
    verification_note,
    yuan,
)
from desk.vouchers.daily_report import (  # noqa: F401 (re-exported)
    DAILY_REPORT,
    build_daily_report,
)
from desk.vouchers.model import PAPER_SIZES, Field, Section, Table, VoucherDoc, VoucherMeta
from desk.vouchers.render import render_pdf
from desk.vouchers.settlement_documents import (  # noqa: F401 (re-exported)
    REVERSAL_NOTICE,
    SETTLEMENT_STATEMENT,
    build_reversal_notice,
    build_settlement_statement,
)
from desk.vouchers.transfer_documents import (  # noqa: F401 (re-exported)
    TRANSFER_FORM,
    TRANSFER_RECEIPT,
    build_transfer_form,
    build_transfer_receipt,
)
from desk.vouchers.types import DOCUMENT_TITLES, document_type, resolve, title  # noqa: F401 (DOCUMENT_TITLES re-exported)

ENROLMENT_RECEIPT = "enrolment_receipt"
ENROLMENT_CERTIFICATE = "enrolment_certificate"
ONE_TIME_NOTICE = "one_time_notice"
FILING_APPROVAL = "filing_approval"
FILING_REJECTION = "filing_rejection"


NO_LOCAL_PERIODS = "无本地参保记录"
OPEN_ENDED = "长期有效（至终止之日）"
NO_DISEASE_CAP = "按政策规定（无单病种限额）"
PERIOD_COLUMNS = ("年度", "待遇享受期间", "缴费月数", "状态")
MONTHS_EXPLAINED = ("待遇享受期间为该年度可享受医保待遇的起止日期；缴费月数为该年度个人缴费对应的月数，"
                    "城乡居民医保按年度缴费，缴纳一个年度计12个月，待遇享受期间晚于1月1日开始的"
                    "（年中参保或待遇等待期）也按12个月计。")


# --------------------------------------------------------------------------- 参保登记回执


def build_enrolment_receipt(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    person, enrolment = payload["person"], payload["enrolment"]
    return VoucherDoc(
        doc_type=ENROLMENT_RECEIPT,
        title=title(ENROLMENT_RECEIPT),
        meta=meta,
        sections=(
            Section("参保人信息", receipt_person_fields(person)),
            Section("参保缴费信息", receipt_contribution_fields(enrolment)),
            Section("待遇享受", receipt_benefit_fields(enrolment)),
        ),
        notes=receipt_notes(enrolment, meta),
        signature_lines=("参保人（签字）", "经办人（签字）"),
        closing=(SEAL_PLACEHOLDER,),
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
    notes = [pack]
    sources = enrolment.get("standard_sources") or {}
    if sources.get("individual"):
        notes.append(f"{enrolment['year']}年度个人缴费标准依据：{sources['individual']}。")
    if sources.get("subsidy"):
        notes.append(f"财政资助标准依据：{sources['subsidy']}。")
    notes += [verification_note(meta), "请妥善保管本回执。"]
    unknown = [label for label in enrolment.get("provisional") or () if label not in PROVISIONAL_FIELDS]
    if unknown:  # a standard the receipt has no field for: still say it is provisional
        notes.append(f"以下标准为暂定：{'、'.join(unknown)}。")
    return tuple(notes)


# --------------------------------------------------------------------------- 参保凭证


def build_enrolment_certificate(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    return VoucherDoc(
        doc_type=ENROLMENT_CERTIFICATE,
        title=title(ENROLMENT_CERTIFICATE),
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
        (f"{period['year']}年度", period_text(period.get("from"), period.get("to")),
         f"{period['months_paid']}个月", period.get("status") or "")
        for period in periods
    )
    total = sum(int(period["months_paid"]) for period in periods)
    return Section(
        "本地参保缴费记录",
        table=Table(PERIOD_COLUMNS, rows),
        paragraphs=(f"累计缴费月数：{total}个月（共 {len(periods)} 个年度）", MONTHS_EXPLAINED),
    )


def period_text(start: str | None, end: str | None) -> str:
    """"2026年12月1日至2026年12月31日": full dates, never a bare "12-01→12-31"."""
    if not start:
        return NOTHING
    return f"{chinese_date(start)}至{chinese_date(end)}" if end else f"{chinese_date(start)}起"


# --------------------------------------------------------------------------- shared by the notices


def pack_note(payload: dict) -> str:
    return f"本决定按政策包 {payload['pack_id']}（版本 {payload['pack_version']}）的病种目录及认定标准作出。"


# --------------------------------------------------------------------------- 一次性告知书


def build_one_time_notice(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    missing = list(payload.get("missing") or [])
    return VoucherDoc(
        doc_type=ONE_TIME_NOTICE,
        title=title(ONE_TIME_NOTICE),
        meta=meta,
        sections=(
            Section("申请信息", notice_application_fields(payload)),
            # the opening sentence leads straight into the list: one box, one heading
            Section(f"需补齐的材料（共{len(missing)}项）",
                    paragraphs=(notice_opening(payload),) + (numbered(missing) or (NOTHING,))),
            Section("办理须知", notice_where_fields(payload, meta)),
        ),
        notes=tuple(note for note in (payload.get("note"), verification_note(meta)) if note),
        signature_lines=("代办人（签字）" if payload.get("agent") else "申请人（签字）", "经办人（签字）"),
        closing=(f"告知日期：{payload['application_date']}", SEAL_PLACEHOLDER),
    )


def notice_application_fields(payload: dict) -> tuple[Field, ...]:
    fields = receipt_person_fields(payload["person"]) + (
        Field("办理事项", payload["business"]),
        Field("申请日期", payload["application_date"]),
        Field("申请方式", "代办" if payload.get("agent") else "本人申请"),
    )
    return fields + agent_fields(payload.get("agent"))


def notice_opening(payload: dict) -> str:
    agent = payload.get("agent")
    by_agent = f"（由代办人{agent['name']}代为申请）" if agent else ""
    bring_by = payload.get("bring_by")
    by_when = f"请于{chinese_date(bring_by['date'])}前一次补齐后" if bring_by else "请一次补齐后"
    return (f"{addressee(payload['person'])}：您于{payload['application_date']}申请办理的"
            f"“{payload['business']}”{by_agent}，经核对，申请材料尚不齐全。"
            f"现将需要补齐的全部材料一次性告知如下，{by_when}到本告知书所列地点办理：")


def received_text(payload: dict) -> str:
    received = payload.get("received") or []
    return f"{'；'.join(received)}（补齐时无需重复提交）" if received else NOTHING


def bring_by_fields(payload: dict) -> tuple[Field, ...]:
    """The 补齐期限 (a payload without `bring_by`, e.g. a transfer's notice, prints none)."""
    bring_by = payload.get("bring_by")
    if not bring_by:
        return ()
    text = f"{chinese_date(bring_by['date'])}前（自告知之日起{bring_by['working_days']}个工作日内，节假日顺延）"
    return (Field("补齐期限", text, bool(bring_by.get("provisional"))),)


def notice_where_fields(payload: dict, meta: VoucherMeta) -> tuple[Field, ...]:
    return bring_by_fields(payload) + (
        Field("已收材料", received_text(payload)),
        Field("办理地点", payload["where"]),
        Field("咨询电话", payload.get("office_phone") or meta.office_phone),
        Field("办公时间", payload.get("office_hours") or meta.office_hours),
    )


# --------------------------------------------------------------------------- 认定通知书

# Which approval fields each provisional label (from the filing service) makes provisional;
# a label naming a field directly flags that field. The start date is the approval date,
# so only the end of the validity can be provisional.
APPROVAL_PROVISIONAL_FIELDS = {
    "单病种年度限额": ("单病种年度限额",),
    "认定有效期": ("有效期至",),
}
APPROVAL_FIELD_LABELS = {"病种编码", "病种名称", "病种类别", "认定登记号", "申请日期", "认定日期",
                         "有效期自", "有效期至", "单病种年度限额", "报销待遇"}


def build_filing_approval(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    person = payload["person"]
    return VoucherDoc(
        doc_type=FILING_APPROVAL,
        title=title(FILING_APPROVAL),
        meta=meta,
        sections=(
            Section("参保人信息", masked_person_fields(person, personal_number_of(payload))),
            Section("认定决定", paragraphs=(approval_opening(payload),)),
            Section("认定信息", approval_fields(payload)),
            *review_sections(payload),
        ),
        notes=approval_notes(payload, meta),
        closing=(f"认定日期：{payload['approved_on']}", SEAL_PLACEHOLDER),
    )


def personal_number_of(payload: dict) -> str | None:
    return payload.get("personal_number") or payload["person"].get("personal_number")


def approval_opening(payload: dict) -> str:
    disease = payload["disease"]
    return (f"{payload['person']['name']}：您于{payload['application_date']}提出的门诊慢特病待遇认定申请，"
            f"经审核，符合{disease_text(disease)}的认定标准，准予认定。"
            f"自{payload['effective_from']}起按规定享受{disease['kind_name']}待遇。")


def approval_provisional(payload: dict) -> set[str]:
    labels = payload.get("provisional") or ()
    return {field for label in labels for field in APPROVAL_PROVISIONAL_FIELDS.get(label, (label,))}


def approval_fields(payload: dict) -> tuple[Field, ...]:
    disease, flagged = payload["disease"], approval_provisional(payload)
    values = (
        ("病种编码", disease["code"]), ("病种名称", disease["name"]),
        ("病种类别", disease["kind_name"]), ("认定登记号", f"{payload['filing_id']}"),
        ("申请日期", payload["application_date"]), ("认定日期", payload["approved_on"]),
        ("有效期自", payload["effective_from"]), ("有效期至", payload.get("effective_to") or OPEN_ENDED),
        ("单病种年度限额", yuan(payload["annual_cap"]) if payload.get("annual_cap") else NO_DISEASE_CAP),
        ("报销待遇", payload.get("rate_note") or "按政策规定"),
    )
    return tuple(Field(label, value, label in flagged) for label, value in values)


def review_sections(payload: dict) -> tuple[Section, ...]:
    """The 年审 reminder stands in its own box, not among the small-print notes."""
    note = payload.get("review_note")
    return (Section("年审提示", paragraphs=(note,)),) if note else ()


def approval_notes(payload: dict, meta: VoucherMeta) -> tuple[str, ...]:
    notes = [pack_note(payload), verification_note(meta), "请妥善保管本通知书。"]
    unknown = [label for label in payload.get("provisional") or ()
               if label not in APPROVAL_PROVISIONAL_FIELDS and label not in APPROVAL_FIELD_LABELS]
    if unknown:  # a standard with no field of its own: still say it is provisional
        notes.append(f"以下标准为暂定：{'、'.join(unknown)}。")
    return tuple(notes)


# --------------------------------------------------------------------------- 不予认定通知书


def build_filing_rejection(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    return VoucherDoc(
        doc_type=FILING_REJECTION,
        title=title(FILING_REJECTION),
        meta=meta,
        sections=(
            Section("参保人信息", masked_person_fields(payload["person"], personal_number_of(payload))),
            Section("认定决定", paragraphs=(rejection_opening(payload),)),
            Section("申请信息", rejection_fields(payload)),
            Section("不予认定理由", paragraphs=(payload["reason"],)),
            Section("复核途径", paragraphs=(appeal_sentence(payload["appeal"]),)),
        ),
        notes=(pack_note(payload), verification_note(meta)),
        closing=(f"决定日期：{payload['decided_on']}", SEAL_PLACEHOLDER),
    )


def rejection_opening(payload: dict) -> str:
    disease = payload["disease"]
    return (f"{payload['person']['name']}：您于{payload['application_date']}提出的"
            f"{disease_text(disease)}{disease['kind_name']}待遇认定申请，经审核，决定不予认定。")


def rejection_fields(payload: dict) -> tuple[Field, ...]:
    disease = payload["disease"]
    return (
        Field("申请病种", disease_text(disease)),
        Field("病种类别", disease["kind_name"]),
        Field("申请日期", payload["application_date"]),
        Field("决定日期", payload["decided_on"]),
        Field("认定登记号", f"{payload['filing_id']}"),
    )


def appeal_sentence(appeal: dict) -> str:
    phone = f"（咨询电话：{appeal['phone']}）" if appeal.get("phone") else ""
    return (f"如对本决定有异议，可自收到本通知书之日起，携带本通知书及相关材料向{appeal['where']}申请复核{phone}，"
            f"经办机构在收到复核申请之日起{appeal['working_days']}个工作日内答复。")


# --------------------------------------------------------------------------- drawing a stored voucher


def build_voucher(doc_type: str, payload: dict, meta: VoucherMeta) -> VoucherDoc:
    """The document of `doc_type` (types.DOCUMENT_TYPES) on a paper it may print on."""
    kind = document_type(doc_type)
    if meta.paper.upper() in PAPER_SIZES and meta.paper.upper() not in kind.papers:  # an unknown paper is refused when drawn
        meta = replace(meta, paper=kind.papers[0])
    return resolve(kind.builder)(payload, meta)


def render_voucher(doc_type: str, payload: dict, meta: VoucherMeta) -> bytes:
    """Build the document of `doc_type` from its stored payload and render it to PDF bytes."""
    kind = document_type(doc_type)
    renderer: Callable[[VoucherDoc], bytes] = resolve(kind.renderer) if kind.renderer else render_pdf
    return renderer(build_voucher(doc_type, payload, meta))
