"""The settlement papers: 医疗费用结算单 (statement) and 结算冲正凭证 (reversal notice).

Payloads come from `desk.services.reimbursement` (`statement_payload`, `_reversal_payload`):
the national fields (setlinfo names) as two-decimal strings with their Chinese `labels`, the
steps in Chinese, the caps left this year, the pack id and version. Amounts are printed as
given; the only thing derived from them is the capital-figure (大写) form of the two totals.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from decimal import Decimal, InvalidOperation

from reportlab.lib.units import mm

from desk.vouchers.common import (
    NOTHING,
    SEAL_PLACEHOLDER,
    disease_text,
    masked_person_fields,
    numbered,
    verification_note,
    yuan,
)
from desk.vouchers.model import Field, Section, Table, VoucherDoc, VoucherMeta
from desk.vouchers.render import PROVISIONAL_WORD, VoucherRenderer
from desk.vouchers.types import title

SETTLEMENT_STATEMENT = "settlement_statement"
REVERSAL_NOTICE = "reversal_notice"


# The national settlement fields (setlinfo) in the order a statement reads them; the last
# two are the totals. Labels come with the payload; these are only the fallback.
NATIONAL_FIELDS = (
    "medfee_sumamt", "fulamt_ownpay_amt", "preselfpay_amt", "inscp_scp_amt", "act_pay_dedc",
    "hifp_pay", "hifmi_pay", "maf_pay", "fund_pay_sumamt", "psn_part_amt",
)
TOTAL_FIELDS = ("fund_pay_sumamt", "psn_part_amt")
DEFAULT_LABELS = {
    "medfee_sumamt": "医疗费用总额", "fulamt_ownpay_amt": "全自费金额", "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "政策范围内费用", "act_pay_dedc": "本次起付线", "hifp_pay": "基本医疗保险统筹基金支付",
    "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付", "fund_pay_sumamt": "基金支付合计",
    "psn_part_amt": "个人负担",
}
# Which fund each provisional standard (as the service names it) decides; a standard named
# after an amount's label flags that amount. 暂定 stands beside those funds only, never beside
# the totals (the amount payable would read as "not final"): one note says what 暂定 means.
STATEMENT_PROVISIONAL_AMOUNTS = {
    "大病保险分段标准": ("hifmi_pay",),
    "单病种年度限额": ("hifp_pay",),
}

DENSE_PADDING = 2.5
DENSE_GAP = 2.5 * mm
MAX_LABEL_SHARE = 0.28  # of the content width; render.py allows 0.25
NO_CAP = "不设封顶"
NO_VALUE = "—"
CAPS_COLUMNS = ("名称", "年度限额/标准", "已用", "剩余")
IN_REGION = "统筹区内"
OUT_OF_REGION = "统筹区外（异地就医）"
PROCURED = "集采药品"
NO_STATEMENT = "（未出具结算单）"


def national_label(labels: dict, key: str) -> str:
    return (labels or {}).get(key) or DEFAULT_LABELS.get(key, key)


def ordered_keys(amounts: dict) -> list[str]:
    """The national fields in statement order, then anything else the payload carries."""
    return [key for key in NATIONAL_FIELDS if key in amounts] + [key for key in amounts if key not in NATIONAL_FIELDS]


# --------------------------------------------------------------------------- 大写 amounts

DIGITS = "零壹贰叁肆伍陆柒捌玖"
SMALL_UNITS = ("", "拾", "佰", "仟")
GROUP_UNITS = ("", "万", "亿", "万亿")


def _group_in_words(group: int) -> str:
    """0 < group < 10000 → e.g. 4060 → 肆仟零陆拾 (inner zeros read once, trailing zeros silent)."""
    words, pending_zero = "", False
    for power in (3, 2, 1, 0):
        digit = group // 10 ** power % 10
        if digit == 0:
            pending_zero = bool(words)
            continue
        if pending_zero:
            words += "零"
            pending_zero = False
        words += DIGITS[digit] + SMALL_UNITS[power]
    return words


def _integer_in_words(value: int) -> str:
    if value == 0:
        return "零"
    groups = []
    while value:
        groups.append(value % 10000)
        value //= 10000
    words, pending_zero = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            pending_zero = bool(words)
            continue
        if words and (pending_zero or group < 1000):
            words += "零"
        words += _group_in_words(group) + GROUP_UNITS[index]
        pending_zero = False
    return words


def amount_in_words(amount: str) -> str | None:
    """"51460.00" → 伍万壹仟肆佰陆拾元整, "100500.05" → 壹拾万零伍佰元零伍分 (票据 capital figures).

    None for anything that is not a plain amount with at most two decimals below 10^16: then
    only the figures are printed.
    """
    try:
        value = Decimal((amount or "").strip())
    except InvalidOperation:
        return None
    exponent = value.as_tuple().exponent
    if not value.is_finite() or not isinstance(exponent, int) or exponent < -2 or abs(value) >= Decimal(10) ** 16:
        return None
    sign = "负" if value < 0 else ""
    cents = int(abs(value) * 100)
    whole, jiao, fen = cents // 100, cents // 10 % 10, cents % 10
    if cents == 0:
        return "零元整"
    words = f"{_integer_in_words(whole)}元" if whole else ""
    if jiao == 0 and fen == 0:
        return f"{sign}{words}整"
    if jiao:
        words += f"{DIGITS[jiao]}角"
    elif whole:
        words += "零"
    if fen:
        words += f"{DIGITS[fen]}分"
    return f"{sign}{words}"


def total_text(amount: str) -> str:
    words = amount_in_words(amount)
    return f"{yuan(amount)}（大写：{words}）" if words else yuan(amount)


# --------------------------------------------------------------------------- 医疗费用结算单


def build_settlement_statement(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    """The 一站式 statement; prints on A5 too when the office chooses that paper.

    Four blocks: who and which claim, the national fields with the two totals last (full
    width, with the capital figures), the steps, the caps left this year.
    """
    amounts = payload.get("amounts") or {}
    flagged = statement_provisional(payload)
    caps = payload.get("caps_left") or []
    parts = [key for key in ordered_keys(amounts) if key not in TOTAL_FIELDS]
    totals = [key for key in TOTAL_FIELDS if key in amounts]
    amount_grid = amount_fields(payload, parts, flagged) + amount_fields(payload, totals, flagged, total_text)
    doc = VoucherDoc(
        doc_type=SETTLEMENT_STATEMENT,
        title=title(SETTLEMENT_STATEMENT),
        meta=meta,
        sections=(
            *refusal_sections(payload),
            Section("参保人及就诊信息", statement_person_fields(payload) + claim_fields(payload)),
            Section("费用结算", amount_grid),
            Section("计算过程", paragraphs=numbered(list(payload.get("steps") or [])) or (NOTHING,)),
            caps_section(payload, caps),
        ),
    )
    return replace(doc, notes=statement_notes(payload, meta, flagged))


def refusal_sections(payload: dict) -> tuple[Section, ...]:
    """A claim the pack does not pay: the reason stands first, in its own box, before anything else."""
    if (payload.get("status") or "ok") == "ok":
        return ()
    reason = (payload.get("status_text") or payload["status"]).rstrip("。")
    total = (payload.get("amounts") or {}).get("medfee_sumamt")
    borne = f"本次医疗费用 {yuan(total)}全部由个人负担" if total else "本次医疗费用全部由个人负担"
    return (Section("结算结论：不予支付", paragraphs=(f"{reason}。{borne}，不计入本年度待遇累计。",)),)


def statement_person_fields(payload: dict) -> tuple[Field, ...]:
    return masked_person_fields(payload["person"], payload.get("personal_number")) + (
        Field("险种", payload.get("scheme_name") or ""),
        Field("参保地", payload.get("region_name") or ""),
    )


def claim_fields(payload: dict) -> tuple[Field, ...]:
    """The bill: the institution, the invoice number and the dates (inpatient: admission and discharge),
    then the kind of care. A statement of a claim recorded before these were kept prints none of them."""
    claim = payload["claim"]
    inpatient = claim.get("benefit") == "inpatient"
    fields = []
    if claim.get("institution"):
        fields.append(Field("医疗机构名称", claim["institution"]))
    fields += [
        Field("医疗机构等级", claim.get("level_name") or claim.get("level") or ""),
        Field("就医地", IN_REGION if claim.get("in_region", True) else OUT_OF_REGION),
    ]
    if claim.get("invoice_number"):
        fields.append(Field("发票号（收据号）", claim["invoice_number"]))
    if inpatient and claim.get("admission_date"):
        fields.append(Field("住院日期", f"{claim['admission_date']} 至 {claim['date']}"))  # 入院 至 出院
    else:
        fields.append(Field("出院日期" if inpatient else "就诊日期", claim["date"]))
    fields.append(Field("待遇类别", claim.get("benefit_name") or claim.get("benefit") or ""))
    if claim.get("disease_code"):
        disease = {"code": claim["disease_code"], "name": claim.get("disease_name") or ""}
        fields.append(Field("病种", disease_text(disease) if disease["name"] else disease["code"]))
    if claim.get("procurement"):
        fields.append(Field("药品类别", PROCURED))
    fields.append(Field("结算记录号", f"{payload['settlement_id']}"))
    return tuple(fields)


def statement_provisional(payload: dict) -> set[str]:
    """The fund keys to mark 暂定: those a provisional standard decides (a standard named after an amount's
    label flags that amount). The totals are never marked: the note says which standards are
    provisional and what that means, also for a standard no amount stands for."""
    labels = payload.get("labels") or {}
    by_label = {national_label(labels, key): key for key in NATIONAL_FIELDS}
    flagged: set[str] = set()
    for standard in payload.get("provisional") or ():
        keys = STATEMENT_PROVISIONAL_AMOUNTS.get(standard) or ((by_label[standard],) if standard in by_label else ())
        flagged.update(key for key in keys if key not in TOTAL_FIELDS)
    return flagged


def amount_fields(payload: dict, keys: list[str], flagged: set[str],
                  text: Callable[[str], str] = yuan) -> tuple[Field, ...]:
    amounts, labels = payload.get("amounts") or {}, payload.get("labels") or {}
    return tuple(Field(national_label(labels, key), text(amounts[key]), key in flagged) for key in keys)


def caps_section(payload: dict, caps: list[dict]) -> Section:
    year = (payload.get("claim") or {}).get("date", "")[:4]
    title = f"本年度待遇使用情况（{year}年度，截至本次结算，含本次；金额单位：元）"
    if not caps:
        return Section(title, paragraphs=("本次结算不涉及年度限额。",))
    rows = tuple(
        (cap["name"], cap_text(cap), cap.get("used") or "0.00",
         cap["left"] if cap.get("left") is not None else NO_VALUE)
        for cap in caps
    )
    return Section(title, table=Table(CAPS_COLUMNS, rows))


def cap_text(cap: dict) -> str:
    text = cap["cap"] if cap.get("cap") is not None else NO_CAP
    return f"{text}（{PROVISIONAL_WORD}）" if cap.get("provisional") else text


def statement_notes(payload: dict, meta: VoucherMeta, flagged: set[str]) -> tuple[str, ...]:
    pack = f"本次结算按政策包 {payload['pack_id']}（版本 {payload['pack_version']}）计算"
    provisional = provisional_note(payload, flagged)
    return (f"{pack}，{provisional}" if provisional else f"{pack}。", verification_note(meta))


def provisional_note(payload: dict, flagged: set[str]) -> str | None:
    """暂定 explained once: which standards are provisional, which amounts and limits they decided, and that
    the amounts printed are what this settlement paid (the statement is not changed afterwards)."""
    standards = list(dict.fromkeys([*(payload.get("provisional") or ()),
                                    *(cap["name"] for cap in payload.get("caps_left") or () if cap.get("provisional"))]))
    if not standards:
        return None
    labels = payload.get("labels") or {}
    marked = [national_label(labels, key) for key in NATIONAL_FIELDS if key in flagged]
    decided = f"，标有{PROVISIONAL_WORD}的{'、'.join(marked)}按其计算" if marked else ""
    return (f"其中{'、'.join(standards)}是{PROVISIONAL_WORD}标准，当地正式文件录入前暂按政策包执行{decided}；"
            "本单金额即本次实际结算的金额，正式标准公布后如需调整另行办理，本单不作改动。")


class StatementRenderer(VoucherRenderer):
    """The statement holds some 35 ruled rows: on A4 it keeps to one page with the A5 layout's
    cell padding and gap between blocks (the A4 font sizes stay). A grid whose labels are too
    long for the shared label column (基本医疗保险统筹基金支付 on A5) gets a slightly wider one
    of its own rather than a label broken over two lines; and the "（续）" title of a second
    A5 page keeps clear of the office name.
    """

    def __init__(self, doc: VoucherDoc):
        super().__init__(doc)
        self.layout = replace(self.layout, cell_padding=min(self.layout.cell_padding, DENSE_PADDING),
                              block_gap=min(self.layout.block_gap, DENSE_GAP))
        self.label_width = self._label_column_width()

    def field_grid(self, fields: tuple[Field, ...], heading: str | None = None):
        shared = self.label_width
        widest = max((self._width(field.label, self.layout.body_size * 0.95) for field in fields), default=0)
        needed = min(widest + 2 * self.layout.cell_padding + 2, self.layout.content_width * MAX_LABEL_SHARE)
        self.label_width = max(shared, needed)
        try:
            return super().field_grid(fields, heading)
        finally:
            self.label_width = shared

    def note_lines(self) -> list[str]:
        """The statement's own notes only: its 暂定 note replaces the renderer's general legend."""
        return list(self.doc.notes)

    def draw_header(self, canvas, page: int) -> None:
        super().draw_header(canvas, 1)  # office, window and rule, without the centred continuation title
        if page == 1:
            return
        layout = self.layout
        size = layout.small_size + 1
        title = f"{self.doc.title}（续）"
        office_end = layout.side_margin + self._width(self.meta.office_name, size) + 3 * mm
        centred = (layout.page_size[0] - self._width(title, size)) / 2
        canvas.setFont(self.font, size)
        canvas.drawString(max(centred, office_end), layout.page_size[1] - layout.header_baseline, title)


def render_statement_pdf(doc: VoucherDoc) -> bytes:
    return StatementRenderer(doc).render()


# --------------------------------------------------------------------------- 结算冲正凭证


def build_reversal_notice(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    keys = ordered_keys(payload.get("amounts_reversed") or {})
    return VoucherDoc(
        doc_type=REVERSAL_NOTICE,
        title=title(REVERSAL_NOTICE),
        meta=meta,
        sections=(
            Section("参保人信息", masked_person_fields(payload["person"])),
            Section("原结算信息", original_fields(payload)),
            Section("冲正金额", reversed_amount_fields(payload, keys)),
            Section("冲正信息", (Field("冲正日期", payload["reversed_on"]), Field("冲正原因", payload["reason"]))),
            Section("冲正说明", paragraphs=(reversal_sentence(payload),)),
        ),
        notes=(
            f"原结算按政策包 {payload['pack_id']}（版本 {payload['pack_version']}）计算。",
            verification_note(meta),
            "请将本凭证与原结算单一并妥善保管。",
        ),
        signature_lines=("参保人（签字）", "审核人（签字）"),
        closing=(f"冲正日期：{payload['reversed_on']}", SEAL_PLACEHOLDER),
    )


def recorded_at_text(value: str | None) -> str:
    """"2026-03-10T09:30:00" → "2026-03-10 09:30"; anything else as given."""
    if not value:
        return ""
    try:
        return datetime.fromisoformat(value).strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return value


def original_fields(payload: dict) -> tuple[Field, ...]:
    return (
        Field("原结算单编号", payload.get("original_number") or NO_STATEMENT),
        Field("原结算记录号", f"{payload['original_id']}"),
        Field("原结算时间", recorded_at_text(payload.get("original_recorded_at"))),
        Field("原结算经办人", payload.get("original_operator") or ""),
        Field("就诊日期", payload.get("service_date") or ""),
        Field("待遇类别", payload.get("benefit_name") or ""),
    )


def reversed_amount_fields(payload: dict, keys: list[str]) -> tuple[Field, ...]:
    """Every national field of the original with its sign as the service gives it (e.g. -35650.00 元)."""
    amounts, labels = payload["amounts_reversed"], payload.get("labels") or {}
    return tuple(Field(national_label(labels, key), yuan(amounts[key])) for key in keys)


def reversal_sentence(payload: dict) -> str:
    number = payload.get("original_number")
    original = f"结算单编号 {number}，结算记录号 {payload['original_id']}" if number else f"结算记录号 {payload['original_id']}"
    return (f"原结算（{original}）予以保留，不作删除或修改；本凭证冲销原结算的上列全部金额。"
            "冲正后，原结算金额不再计入参保人本年度待遇累计，本年度已办理的其他结算不作重算。")


