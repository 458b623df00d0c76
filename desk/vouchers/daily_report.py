"""The 日报表 (daily report): the day's counts and amounts per business, then per operator.

The payload comes from `desk.services.reports` (`_payload`): the day, whose day it is (全部经办人
or one operator), who prepared it, the audit chain's head (entry number and the first 16
characters of its hash), the first and last voucher number of the day, the totals and one block
per operator, amounts as two-decimal strings with 作废 and 冲正 as their own negative lines.
Nothing here does arithmetic on money: every figure, the net lines included, comes with the
payload.

A4 portrait always. Its own renderer right-aligns the figures and prints the chain head in the
footer of every page, so each sheet kept in the office pins the audit chain down.
"""

from __future__ import annotations

from dataclasses import replace

from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, PageBreak, Spacer, TableStyle
from reportlab.platypus import Table as PlatypusTable

from desk.vouchers.common import SEAL_PLACEHOLDER, verification_note
from desk.vouchers.model import Field, Section, Table, VoucherDoc, VoucherMeta
from desk.vouchers.render import LABEL_FILL, VoucherRenderer
from desk.vouchers.types import title

DAILY_REPORT = "daily_report"

SETTLEMENT_LABELS = {
    "medfee_sumamt": "医疗费用总额", "fulamt_ownpay_amt": "全自费金额", "preselfpay_amt": "乙类先行自付",
    "inscp_scp_amt": "政策范围内费用", "act_pay_dedc": "起付线", "hifp_pay": "统筹基金支付",
    "hifmi_pay": "大病保险支付", "maf_pay": "医疗救助支付", "fund_pay_sumamt": "基金支付合计",
    "psn_part_amt": "个人负担",
}
ENROLMENT_COLUMNS = ("项目", "笔数", "个人缴费（元）", "财政资助（元）", "应缴金额（元）")
ENROLMENT_KEYS = ("individual", "subsidy", "payable")
FILING_COLUMNS = ("受理", "待补正（一次性告知）", "认定", "不予认定", "终止")
FILING_KEYS = ("accepted", "awaiting", "approved", "rejected", "terminated")
SETTLEMENT_COLUMNS = ("项目", "结算", "冲正", "合计")
TRANSFER_COLUMNS = ("项目", "转出", "转入", "合计")
TRANSFER_ROWS = (("受理（笔）", "accepted"), ("待补正（笔）", "awaiting"), ("办结（笔）", "completed"),
                 ("退回（笔）", "returned"), ("办结：统筹基金（元）", "pooled_fund"),
                 ("办结：个人账户（元）", "personal_account"))
OVERVIEW_COLUMNS = ("经办人", "参保（笔）", "应缴（元）", "慢特病受理", "结算（笔）", "基金支付（元）",
                    "个人负担（元）", "转移受理", "转移办结", "凭证（张）")
NONE_ISSUED = "（当日未出具凭证）"
OPERATOR_HEADING = "经办人："
CHAIN_HEAD_LABEL = "审计链头"
DENSE_PADDING = 2
DENSE_GAP = 2.5 * mm
DENSE_BODY = 9
DENSE_SIGNATURE = 6 * mm
DENSE_QR = 20 * mm
SIGNATURE_SHARE = 0.4


def chain_head_text(head: dict) -> str:
    return f"第{head['entry']}条 {head['hash']}"


def build_daily_report(payload: dict, meta: VoucherMeta) -> VoucherDoc:
    sections = [Section("报表信息", info_fields(payload))]
    office = payload["scope"] == "office"
    sections += figure_sections(payload["totals"], "全部经办人合计：" if office else "")
    if office and payload["operators"]:
        sections.append(overview_section(payload))
        for person in payload["operators"]:
            sections += operator_sections(person)
    return VoucherDoc(
        doc_type=DAILY_REPORT,
        title=title(DAILY_REPORT),
        meta=meta,
        sections=tuple(sections),
        notes=report_notes(payload, meta),
        signature_lines=("经办人（签字）", "复核人（签字）"),
        closing=(SEAL_PLACEHOLDER,),
    )


def info_fields(payload: dict) -> tuple[Field, ...]:
    issued = payload["vouchers"]
    people = (Field("经办人数", f"{len(payload['operators'])}人"),) if payload["scope"] == "office" else ()
    return (
        Field("报表日期", payload["day"]),
        Field("统计范围", payload["scope_name"]),
        Field("制表人", payload["prepared_by"]),
        Field("制表时间", payload["prepared_at"].replace("T", " ")[:16]),
        *people,
        Field("出具凭证", f"{issued['count']}张"),
        Field("首张凭证编号", issued["first"] or NONE_ISSUED),
        Field("末张凭证编号", issued["last"] or NONE_ISSUED),
        Field(CHAIN_HEAD_LABEL, chain_head_text(payload["chain_head"])),
    )


def figure_sections(figures: dict, prefix: str) -> list[Section]:
    return [
        Section(f"{prefix}参保登记", table=enrolment_table(figures["enrolment"])),
        Section(f"{prefix}门诊慢特病（笔）", table=filing_table(figures["filing"])),
        Section(f"{prefix}报销结算", table=settlement_table(figures["settlement"])),
        Section(f"{prefix}转移接续", table=transfer_table(figures["transfer"])),
    ]


def enrolment_table(lines: dict) -> Table:
    labels = (("参保登记", "positive"), ("作废参保登记（冲减）", "negative"), ("合计", "net"))
    rows = tuple((label, str(lines[key]["count"]), *(lines[key][amount] for amount in ENROLMENT_KEYS))
                 for label, key in labels)
    return Table(ENROLMENT_COLUMNS, rows)


def filing_table(counts: dict) -> Table:
    return Table(FILING_COLUMNS, (tuple(str(counts[key]) for key in FILING_KEYS),))


def settlement_table(lines: dict) -> Table:
    keys = ("positive", "negative", "net")
    rows = [("笔数", *(str(lines[key]["count"]) for key in keys))]
    rows += [(f"{label}（元）", *(lines[key][field] for key in keys)) for field, label in SETTLEMENT_LABELS.items()]
    return Table(SETTLEMENT_COLUMNS, tuple(rows))


def transfer_table(lines: dict) -> Table:
    rows = tuple((label, *(str(lines[direction][key]) for direction in ("out", "in", "total")))
                 for label, key in TRANSFER_ROWS)
    return Table(TRANSFER_COLUMNS, rows)


def person_text(person: dict) -> str:
    details = "，".join(part for part in (person.get("username"), person.get("role_name")) if part)
    return f"{person['name']}（{details}）" if details else person["name"]


def overview_row(name: str, figures: dict, vouchers: dict) -> tuple[str, ...]:
    enrolment, settlement, transfer = figures["enrolment"]["net"], figures["settlement"]["net"], figures["transfer"]["total"]
    return (name, str(enrolment["count"]), enrolment["payable"], str(figures["filing"]["accepted"]),
            str(settlement["count"]), settlement["fund_pay_sumamt"], settlement["psn_part_amt"],
            str(transfer["accepted"]), str(transfer["completed"]), str(vouchers["count"]))


def overview_section(payload: dict) -> Section:
    rows = [overview_row(person["name"], person["figures"], person["vouchers"]) for person in payload["operators"]]
    rows.append(overview_row("合计", payload["totals"], payload["vouchers"]))
    return Section("按经办人汇总（净额：作废、冲正已冲减）", table=Table(OVERVIEW_COLUMNS, tuple(rows)))


def operator_sections(person: dict) -> list[Section]:
    issued = person["vouchers"]
    head = Section(f"{OPERATOR_HEADING}{person_text(person)}", (
        Field("出具凭证", f"{issued['count']}张"),
        Field("凭证编号", f"{issued['first']} 至 {issued['last']}" if issued["first"] else NONE_ISSUED),
    ))
    return [head, *figure_sections(person["figures"], f"{person['name']}：")]


def report_notes(payload: dict, meta: VoucherMeta) -> tuple[str, ...]:
    return (
        "作废、冲正以负数单列（按办理日、办理人），合计为净额；“受理”指材料齐全正式受理，“待补正”指已出具一次性告知书。",
        f"凭证编号范围不含日报表本身。审计链头为制表时审计日志的最后一条（序号及哈希前16位），"
        f"本表的审计记录紧随其后（第{payload['chain_head']['entry'] + 1}条）。",
        verification_note(meta),
    )


class DailyReportRenderer(VoucherRenderer):
    """Dense rules (the settlement statement's padding and gaps) so the totals and each operator's
    block keep to one page; figures right-aligned; each operator's block on a page of its own, so
    each can sign their own sheet; the chain head in every page's footer."""

    def __init__(self, doc: VoucherDoc):
        super().__init__(doc)
        self.chain_head = next(f.value for f in doc.sections[0].fields if f.label == CHAIN_HEAD_LABEL)
        self.layout = replace(self.layout, cell_padding=min(self.layout.cell_padding, DENSE_PADDING),
                              block_gap=min(self.layout.block_gap, DENSE_GAP), body_size=DENSE_BODY,
                              signature_height=DENSE_SIGNATURE, qr_size=min(self.layout.qr_size, DENSE_QR))
        self.styles = self._make_styles()
        self.label_width = self._label_column_width()

    def _make_styles(self):
        styles = super()._make_styles()
        styles["number"] = self._style("number", self.layout.body_size, TA_RIGHT)
        styles["row_label"] = self._style("row_label", self.layout.body_size, TA_LEFT)
        return styles

    def data_table(self, table: Table, heading: str | None = None) -> PlatypusTable:
        head_rows, extra = self._heading_rows(heading, len(table.columns))
        columns = [self.paragraph(column, "centre") for column in table.columns]
        numeric_from = 1 if table.columns[0] in ("项目", "经办人") else 0
        body = [[self.paragraph(cell, "number" if index >= numeric_from else "row_label")
                 for index, cell in enumerate(row)] for row in table.rows]
        first = len(head_rows)
        data = PlatypusTable([*head_rows, columns, *body], colWidths=self._column_widths(table), repeatRows=first + 1)
        extra.append(("BACKGROUND", (0, first), (-1, first), LABEL_FILL))
        return self._ruled(data, extra)

    def _column_widths(self, table: Table) -> list[float]:
        """A column as wide as its widest figure or name (never broken), or half its heading (which
        may take two lines), scaled to the page."""
        padding = 2 * self.layout.cell_padding + 2
        natural = [self._width(column) / 2 + padding for column in table.columns]
        for row in table.rows:
            natural = [max(width, self._width(cell) + padding) for width, cell in zip(natural, row, strict=False)]
        scale = self.layout.content_width / sum(natural)
        return [width * scale for width in natural]

    def story(self) -> list[Flowable]:
        """The totals (and the overview) with the notes, signatures and closing; then one page per
        operator, each with its own signature lines."""
        sections = self.doc.sections
        split = next((i for i, s in enumerate(sections) if s.title.startswith(OPERATOR_HEADING)), len(sections))
        story: list[Flowable] = [self.title_block(), Spacer(1, self.layout.block_gap)]
        for section in sections[:split]:
            story += [*self.section_flowables(section), Spacer(1, self.layout.block_gap)]
        story += [*self.notes_block(), *self.signature_block(), *self.closing_block()]
        for index, section in enumerate(sections[split:], start=split):
            if section.title.startswith(OPERATOR_HEADING):
                story.append(PageBreak())
            story += [*self.section_flowables(section), Spacer(1, self.layout.block_gap)]
            following = sections[index + 1] if index + 1 < len(sections) else None
            if following is None or following.title.startswith(OPERATOR_HEADING):
                story += self.signature_block()
        return story

    def signature_block(self) -> list[Flowable]:
        """经办人 and 复核人 with their lines and dates, the seal's place (the closing) beside them."""
        width = self.layout.content_width
        signing = width * SIGNATURE_SHARE
        cells = [self.signature_cell(label, signing) for label in self.doc.signature_lines]
        cells.append([self.paragraph(line, "closing") for line in self.doc.closing])
        widths = [signing] * len(self.doc.signature_lines) + [width - signing * len(self.doc.signature_lines)]
        row_height = self.layout.signature_height + 2 * self.styles["body"].leading
        table = PlatypusTable([cells], colWidths=widths, rowHeights=row_height)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.layout.body_size),
            ("RIGHTPADDING", (-1, 0), (-1, 0), 0),
        ]))
        return [Spacer(1, self.layout.block_gap), table]

    def closing_block(self) -> list[Flowable]:
        return []  # drawn beside the signatures

    def footer_texts(self, page: int, total: int) -> tuple[str, str, str]:
        left, right, _contact = super().footer_texts(page, total)
        return left, right, f"{self.doc.title}　编号：{self.meta.number}　审计链头：{self.chain_head}"


def render_daily_report_pdf(doc: VoucherDoc) -> bytes:
    return DailyReportRenderer(doc).render()


