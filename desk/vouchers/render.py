"""Draw a `VoucherDoc` as PDF bytes with reportlab platypus.

One page layout for every document: a running header (office, window), a title block
(补打 mark, title, QR with number and verification code), the sections as label/value grids
or tables with thin rules, notes, signature lines, a right-aligned closing, and a footer on
every page (operator, print time, 补打, page N of M with the true total).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import partial
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER, TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    CondPageBreak,
    Flowable,
    Frame,
    KeepTogether,
    PageTemplate,
    Paragraph,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PlatypusTable

from desk.vouchers.common import SEAL_PLACEHOLDER
from desk.vouchers.fonts import register_reportlab_font
from desk.vouchers.model import Field, Section, Table, VoucherDoc

PROVISIONAL_WORD = "暂定"
PROVISIONAL_LEGEND = "标注“暂定”的数值依据暂定标准确定，正式标准公布后以正式标准为准。"
SEAL_COLOUR = colors.HexColor("#b3261e")  # prints as dark grey on a black-and-white printer
RULE_COLOUR = colors.Color(0.45, 0.45, 0.45)
LABEL_FILL = colors.Color(0.95, 0.95, 0.95)
HEADING_FILL = colors.Color(0.87, 0.89, 0.92)
NOTE_COLOUR = colors.Color(0.25, 0.25, 0.25)
THIN_RULE = 0.5
NBSP = "\u00a0"
MIN_SIGNING_LINE = 22 * mm
STAMP_DIAMETER = 40 * mm  # an office's round stamp (公章) is 40 mm across; the area leaves a margin round it
STAMP_ROOM = STAMP_DIAMETER + 4 * mm
STAMP_GUIDE = colors.Color(0.7, 0.7, 0.7)


@dataclass(frozen=True)
class PaperLayout:
    """Every size and distance that depends on the paper, in points."""

    page_size: tuple[float, float]
    side_margin: float
    header_baseline: float  # from the top edge
    footer_rule: float  # from the bottom edge
    title_size: float
    body_size: float
    small_size: float
    qr_size: float
    title_side_width: float
    cell_padding: float
    signature_height: float
    block_gap: float

    @property
    def content_width(self) -> float:
        return self.page_size[0] - 2 * self.side_margin


LAYOUTS = {
    "A4": PaperLayout(
        page_size=A4, side_margin=16 * mm, header_baseline=13 * mm, footer_rule=16 * mm,
        title_size=17, body_size=10, small_size=8, qr_size=24 * mm, title_side_width=38 * mm,
        cell_padding=4, signature_height=12 * mm, block_gap=4 * mm,
    ),
    "A5": PaperLayout(
        page_size=A5, side_margin=10 * mm, header_baseline=9 * mm, footer_rule=12 * mm,
        title_size=13, body_size=8, small_size=6.5, qr_size=17 * mm, title_side_width=29 * mm,
        cell_padding=2.5, signature_height=8 * mm, block_gap=2.5 * mm,
    ),
}


def layout_for(paper: str) -> PaperLayout:
    try:
        return LAYOUTS[paper.upper()]
    except KeyError:
        raise ValueError(f"unknown paper {paper!r}; expected one of {sorted(LAYOUTS)}") from None


def render_pdf(doc: VoucherDoc) -> bytes:
    """The PDF of `doc`, on the paper `doc.meta.paper` names."""
    return VoucherRenderer(doc).render()


# --------------------------------------------------------------------------- canvas


class PageCountingCanvas(Canvas):
    """Holds every page back until save(), so each page can be decorated knowing the total."""

    def __init__(self, *args, decorate_page, **kwargs):
        super().__init__(*args, **kwargs)
        self._decorate_page = decorate_page
        self._page_states: list[dict] = []

    def showPage(self):
        self._page_states.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        total = len(self._page_states)
        for number, state in enumerate(self._page_states, start=1):
            self.__dict__.update(state)
            self._decorate_page(self, number, total)
            super().showPage()
        super().save()


# --------------------------------------------------------------------------- flowables


class StrongTitle(Flowable):
    """A one-line centred title, drawn filled and stroked (the font has no bold face).

    Shrinks to fit the width it is given rather than wrapping.
    """

    def __init__(self, text: str, font_name: str, font_size: float):
        super().__init__()
        self.text = text
        self.font_name = font_name
        self.nominal_size = font_size
        self.font_size = font_size

    def wrap(self, available_width, available_height):
        natural = stringWidth(self.text, self.font_name, self.nominal_size)
        self.font_size = self.nominal_size * min(1.0, available_width / natural)
        self.width = available_width
        self.height = self.font_size * 1.4
        return self.width, self.height

    def draw(self):
        text = self.canv.beginText()
        text.setFont(self.font_name, self.font_size)
        text.setTextRenderMode(2)  # fill, then stroke: a faux bold
        self.canv.setLineWidth(self.font_size * 0.035)
        width = stringWidth(self.text, self.font_name, self.font_size)
        text.setTextOrigin((self.width - width) / 2, self.font_size * 0.3)
        text.textOut(self.text)
        self.canv.drawText(text)


class QrFlowable(Flowable):
    """A QR code (reportlab's own encoder, level M, with its quiet zone) `size` points square.

    The modules reportlab's widget lays out are drawn as one filled path straight on the
    canvas: the same rectangles, without the graphics-node machinery that cost ~25 ms a page.
    """

    def __init__(self, text: str, size: float):
        super().__init__()
        self.widget = QrCodeWidget(text, barLevel="M")
        self.size = size
        self.width = self.height = size

    def wrap(self, available_width, available_height):
        return self.size, self.size

    def draw(self) -> None:
        group = self.widget.draw()
        canvas = self.canv
        canvas.saveState()
        canvas.scale(self.size / self.widget.barWidth, self.size / self.widget.barHeight)
        path = canvas.beginPath()
        for shape in group.contents:
            if getattr(shape, "fillColor", None) is not None:
                path.rect(shape.x, shape.y, shape.width, shape.height)
        canvas.setFillColor(colors.black)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


class StampArea(Flowable):
    """Room for the office's round stamp: a square of `STAMP_ROOM` with a faint dashed 40 mm circle
    and the words 经办机构（章） in its centre, so the clerk sees where the stamp goes."""

    def __init__(self, label: str, font_name: str, font_size: float):
        super().__init__()
        self.label = label
        self.font_name = font_name
        self.font_size = font_size
        self.width = self.height = STAMP_ROOM

    def wrap(self, available_width, available_height):
        return self.width, self.height

    def draw(self) -> None:
        canvas = self.canv
        canvas.saveState()
        canvas.setStrokeColor(STAMP_GUIDE)
        canvas.setLineWidth(THIN_RULE)
        canvas.setDash(2, 2)
        centre = STAMP_ROOM / 2
        canvas.circle(centre, centre, STAMP_DIAMETER / 2, stroke=1, fill=0)
        canvas.setFillColor(colors.Color(0.35, 0.35, 0.35))
        canvas.setFont(self.font_name, self.font_size)
        canvas.drawCentredString(centre, centre - self.font_size * 0.35, self.label)
        canvas.restoreState()


def qr_drawing(text: str, size: float, font_name: str | None = None) -> QrFlowable:
    """The QR flowable (kept under its old name; `font_name` is no longer needed: nothing is written)."""
    return QrFlowable(text, size)


# --------------------------------------------------------------------------- renderer


class VoucherRenderer:
    """Turns one `VoucherDoc` into PDF bytes. One instance per render."""

    def __init__(self, doc: VoucherDoc):
        self.doc = doc
        self.meta = doc.meta
        self.layout = layout_for(doc.meta.paper)
        self.font = register_reportlab_font()
        self.styles = self._make_styles()
        self.label_width = self._label_column_width()
        self.width = self.layout.content_width  # of the section blocks; narrower beside the stamp area

    # ---- styles and measures

    def _style(self, name: str, size: float, alignment=TA_LEFT, colour=colors.black) -> ParagraphStyle:
        return ParagraphStyle(
            name, fontName=self.font, fontSize=size, leading=size * 1.35,
            alignment=alignment, textColor=colour, wordWrap="CJK",
        )

    def _make_styles(self) -> dict[str, ParagraphStyle]:
        body, small = self.layout.body_size, self.layout.small_size
        return {
            "body": self._style("body", body),
            "label": self._style("label", body * 0.95),
            "centre": self._style("centre", body, TA_CENTER),
            "heading": self._style("heading", body * 1.05),
            "small": self._style("small", small),
            "small_right": self._style("small_right", small, TA_RIGHT),
            "note": self._style("note", small, colour=NOTE_COLOUR),
            "mark": self._style("mark", body, TA_CENTER, SEAL_COLOUR),
            "closing": self._style("closing", body, TA_RIGHT),
        }

    def _width(self, text: str, size: float | None = None) -> float:
        return stringWidth(text, self.font, size or self.layout.body_size)

    def _label_column_width(self) -> float:
        labels = [field.label for section in self.doc.sections for field in section.fields]
        widest = max((self._width(label, self.layout.body_size * 0.95) for label in labels), default=0)
        content = self.layout.content_width
        natural = widest + 2 * self.layout.cell_padding + 2
        return min(max(natural, content * 0.14), content * 0.25)

    def paragraph(self, text: str, style: str = "body") -> Paragraph:
        return Paragraph(escape(text), self.styles[style])

    # ---- document

    def render(self) -> bytes:
        buffer = io.BytesIO()
        template = self._doc_template(buffer)
        template.build(self.story(), canvasmaker=partial(PageCountingCanvas, decorate_page=self.decorate_page))
        return buffer.getvalue()

    def _doc_template(self, buffer: io.BytesIO) -> BaseDocTemplate:
        layout = self.layout
        _page_width, page_height = layout.page_size
        top = page_height - layout.header_baseline - 3 * mm
        bottom = layout.footer_rule + 2 * mm
        frame = Frame(layout.side_margin, bottom, layout.content_width, top - bottom,
                      leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0, id="body")
        template = BaseDocTemplate(
            buffer, pagesize=layout.page_size, title=self.doc.title, author=self.meta.office_name,
            subject=f"{self.meta.number} {self.doc.doc_type}", creator="desk",
            invariant=1, initialFontName=self.font, initialFontSize=layout.body_size,
        )
        template.addPageTemplates([PageTemplate(id="voucher", frames=[frame])])
        return template

    def story(self) -> list[Flowable]:
        story: list[Flowable] = [self.title_block(), Spacer(1, self.layout.block_gap)]
        stamped = SEAL_PLACEHOLDER in self.doc.closing
        # without signature lines the last section (unless a table: it may run over pages) and the
        # notes stand beside the stamp area
        last = self.doc.sections[-1:]
        beside = last if stamped and not self.doc.signature_lines and last and last[0].table is None else ()
        for section in self.doc.sections[:len(self.doc.sections) - len(beside)]:
            story.extend(self.section_flowables(section))
            story.append(Spacer(1, self.layout.block_gap))
        if stamped:
            if self.doc.signature_lines:  # else the notes stand beside the stamp area (stamp_block)
                story.extend(self.notes_block())
            story.extend(self.stamp_block(beside))
        else:
            story.extend(self.notes_block())
            story.extend(self.signature_block())
            story.extend(self.closing_block())
        return story

    # ---- title block

    def title_block(self) -> PlatypusTable:
        layout = self.layout
        side = layout.title_side_width
        title = StrongTitle(self.doc.title, self.font, layout.title_size)
        cells = [[self.reprint_marker(), title, self.number_block()]]
        table = PlatypusTable(cells, colWidths=[side, layout.content_width - 2 * side, side])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (2, 0), (2, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]))
        return table

    def reprint_marker(self) -> Flowable | str:
        if not self.meta.reprint_mark:
            return ""
        width = self._width(self.meta.reprint_mark) + 4 * self.layout.cell_padding
        marker = PlatypusTable([[self.paragraph(self.meta.reprint_mark, "mark")]], colWidths=[width])
        marker.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("BOX", (0, 0), (-1, -1), 1.2, SEAL_COLOUR),
            ("TOPPADDING", (0, 0), (-1, -1), 2),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ]))
        marker.hAlign = "LEFT"
        return marker

    def number_block(self) -> PlatypusTable:
        size = self.layout.qr_size
        rows = [
            [qr_drawing(self.meta.qr_text, size, self.font)],
            [self.paragraph(f"编号：{self.meta.number}", "small_right")],
            [self.paragraph(f"校验码：{self.meta.code}", "small_right")],
        ]
        block = PlatypusTable(rows, colWidths=[self.layout.title_side_width])
        block.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("ALIGN", (0, 0), (-1, -1), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return block

    # ---- sections

    def section_flowables(self, section: Section) -> list[Flowable]:
        """The section's blocks; its title rides as a shaded first row of the first block."""
        heading = section.title or None
        flowables: list[Flowable] = []
        if section.fields:
            flowables.append(KeepTogether([self.field_grid(section.fields, heading)]))
            heading = None
        if section.table is not None:
            # no heading and column row stranded at the foot of a page
            flowables.append(CondPageBreak(self.styles["body"].leading * 8))
            flowables.append(self.data_table(section.table, heading))
            heading = None
        if section.paragraphs or heading:
            flowables.append(self.paragraph_box(section.paragraphs, heading))
        return flowables

    def _ruled(self, table: PlatypusTable, extra: list | None = None) -> PlatypusTable:
        padding = self.layout.cell_padding
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("GRID", (0, 0), (-1, -1), THIN_RULE, RULE_COLOUR),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LEFTPADDING", (0, 0), (-1, -1), padding),
            ("RIGHTPADDING", (0, 0), (-1, -1), padding),
            ("TOPPADDING", (0, 0), (-1, -1), padding * 0.6),
            ("BOTTOMPADDING", (0, 0), (-1, -1), padding * 0.8),
            *(extra or []),
        ]))
        return table

    def _heading_rows(self, heading: str | None, column_count: int) -> tuple[list[list], list]:
        """([the heading row] or [], its style commands); the row spans every column."""
        if heading is None:
            return [], []
        row = [self.paragraph(heading, "heading")] + [""] * (column_count - 1)
        return [row], [("SPAN", (0, 0), (-1, 0)), ("BACKGROUND", (0, 0), (-1, 0), HEADING_FILL)]

    def value_paragraph(self, field: Field) -> Paragraph:
        text = escape(field.value)
        if field.provisional:
            text += (f' <span backColor="{SEAL_COLOUR.hexval()}" color="white">'
                     f"&nbsp;{PROVISIONAL_WORD}&nbsp;</span>")
        return Paragraph(text, self.styles["body"])

    def _fits_half_row(self, field: Field) -> bool:
        value_width = (self.width - 2 * self.label_width) / 2
        tag = self._width(f" {PROVISIONAL_WORD}  ") if field.provisional else 0
        return self._width(field.value) + tag <= value_width - 2 * self.layout.cell_padding

    def field_rows(self, fields: tuple[Field, ...]) -> tuple[list[list], list[int]]:
        """Pairs short fields two to a row; a long value gets a row of its own (spanned)."""
        rows: list[list] = []
        spanned: list[int] = []
        pending: Field | None = None
        for field in fields:
            if not self._fits_half_row(field):
                if pending is not None:
                    spanned.append(len(rows))
                    rows.append(self._full_row(pending))
                    pending = None
                spanned.append(len(rows))
                rows.append(self._full_row(field))
            elif pending is None:
                pending = field
            else:
                rows.append(self._half_cells(pending) + self._half_cells(field))
                pending = None
        if pending is not None:
            spanned.append(len(rows))
            rows.append(self._full_row(pending))
        return rows, spanned

    def _half_cells(self, field: Field) -> list:
        return [self.paragraph(field.label, "label"), self.value_paragraph(field)]

    def _full_row(self, field: Field) -> list:
        return self._half_cells(field) + ["", ""]

    def field_grid(self, fields: tuple[Field, ...], heading: str | None = None) -> PlatypusTable:
        head_rows, extra = self._heading_rows(heading, 4)
        rows, spanned = self.field_rows(fields)
        label = self.label_width
        value = (self.width - 2 * label) / 2
        grid = PlatypusTable(head_rows + rows, colWidths=[label, value, label, value])
        first = len(head_rows)
        extra.append(("BACKGROUND", (0, first), (0, -1), LABEL_FILL))
        for index in range(len(rows)):
            row = first + index
            if index in spanned:
                extra.append(("SPAN", (1, row), (3, row)))
            else:
                extra.append(("BACKGROUND", (2, row), (2, row), LABEL_FILL))
        return self._ruled(grid, extra)

    def data_table(self, table: Table, heading: str | None = None) -> PlatypusTable:
        """Column headers repeat on every page the table runs onto, with the heading if any."""
        head_rows, extra = self._heading_rows(heading, len(table.columns))
        columns = [self.paragraph(column, "centre") for column in table.columns]
        body = [[self.paragraph(cell, "centre") for cell in row] for row in table.rows]
        first = len(head_rows)
        data = PlatypusTable([*head_rows, columns, *body], colWidths=self._column_widths(table), repeatRows=first + 1)
        extra.append(("BACKGROUND", (0, first), (-1, first), LABEL_FILL))
        return self._ruled(data, extra)

    def _column_widths(self, table: Table) -> list[float]:
        padding = 2 * self.layout.cell_padding + 2
        natural = [self._width(column) + padding for column in table.columns]
        for row in table.rows:
            natural = [max(width, self._width(cell) + padding) for width, cell in zip(natural, row, strict=False)]
        scale = self.width / sum(natural)
        return [width * scale for width in natural]

    def paragraph_box(self, paragraphs: tuple[str, ...], heading: str | None = None) -> PlatypusTable:
        head_rows, extra = self._heading_rows(heading, 1)
        rows = head_rows + [[self.paragraph(text)] for text in paragraphs]
        return self._ruled(PlatypusTable(rows, colWidths=[self.width]), extra)

    # ---- notes, signatures, closing

    def note_lines(self) -> list[str]:
        notes = list(self.doc.notes)
        if self.doc.has_provisional:
            notes.append(PROVISIONAL_LEGEND)
        return notes

    def notes_block(self) -> list[Flowable]:
        notes = self.note_lines()
        if not notes:
            return []
        if len(notes) == 1:
            return [self.paragraph(f"注：{notes[0]}", "note")]
        flowables: list[Flowable] = [self.paragraph("注：", "note")]
        for index, note in enumerate(notes, start=1):
            flowables.append(self.paragraph(f"{index}．{note}", "note"))
        return flowables

    def signature_block(self, width: float | None = None) -> list[Flowable]:
        """Each signature: label and a line to sign on, the date blanks under it; two to a row if they fit."""
        lines = self.doc.signature_lines
        if not lines:
            return []
        width = width or self.layout.content_width
        per_row = 2 if self._signature_fits(width / 2) else 1
        cell_width = width / per_row
        rows = [[self.signature_cell(label, cell_width) for label in lines[index:index + per_row]]
                for index in range(0, len(lines), per_row)]
        rows[-1] += [""] * (per_row - len(rows[-1]))
        row_height = self.layout.signature_height + 2 * self.styles["body"].leading
        table = PlatypusTable(rows, colWidths=[cell_width] * per_row, rowHeights=row_height)
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("VALIGN", (0, 0), (-1, -1), "BOTTOM"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), self.layout.body_size),
        ]))
        return [Spacer(1, self.layout.block_gap), table]

    def _blank(self, width: float) -> str:
        """Underlined non-breaking spaces about `width` points long: a line to write on."""
        count = max(int(width / self._width(NBSP)), 2)
        return f"<u>{NBSP * count}</u>"

    def _signature_fits(self, cell_width: float) -> bool:
        body = self.layout.body_size
        longest = max(self._width(f"{label}：") for label in self.doc.signature_lines)
        return max(longest + MIN_SIGNING_LINE, self._date_width()) + 2 * body <= cell_width

    def _date_width(self) -> float:
        """The date blanks under a signing line (signature_cell): 日期：___年__月__日."""
        return self._width("日期：年月日") + 7 * self.layout.body_size

    def signature_cell(self, label: str, cell_width: float) -> list[Paragraph]:
        body = self.layout.body_size
        label_text = f"{label}："
        signing_width = cell_width - self._width(label_text) - 2 * body
        signing = Paragraph(f"{escape(label_text)}{self._blank(signing_width)}", self.styles["body"])
        blanks = f"日期：{self._blank(3 * body)}年{self._blank(2 * body)}月{self._blank(2 * body)}日"
        indent = max(self._width(label_text) - self._width("日期："), 0)
        if indent + self._date_width() > cell_width - 2 * body:  # a narrow cell: the date starts at the left
            indent = 0
        date_style = ParagraphStyle("date", parent=self.styles["body"], leftIndent=indent, spaceBefore=body * 0.4)
        return [signing, Paragraph(blanks, date_style)]

    def closing_block(self) -> list[Flowable]:
        if not self.doc.closing:
            return []
        flowables: list[Flowable] = [Spacer(1, self.layout.block_gap * 3)]
        flowables += [self.paragraph(line, "closing") for line in self.doc.closing]
        return flowables

    def stamp_block(self, sections: tuple[Section, ...] | list[Section] = ()) -> list[Flowable]:
        """A paper the office stamps: the signature lines (or, on a paper without any, its last
        section and the notes) and the closing lines (the seal placeholder left out) on the left,
        the stamp area (`StampArea`, room for a 40 mm stamp) on the right, side by side so the stamp
        costs little extra height, all kept on one page."""
        gap = self.layout.body_size
        left_width = self.layout.content_width - STAMP_ROOM - gap
        left: list[Flowable] = []
        self.width = left_width
        for section in sections:  # inside a table cell: no page-break flowables
            for flowable in self.section_flowables(section):
                if isinstance(flowable, KeepTogether):
                    left += flowable._content
                elif not isinstance(flowable, CondPageBreak):
                    left.append(flowable)
            left.append(Spacer(1, self.layout.block_gap))
        self.width = self.layout.content_width
        left += self.signature_block(left_width) or self.notes_block()
        lines = [line for line in self.doc.closing if line != SEAL_PLACEHOLDER]
        if lines:
            left.append(Spacer(1, self.layout.block_gap))
            left += [self.paragraph(line, "closing") for line in lines]
        stamp = StampArea(SEAL_PLACEHOLDER, self.font, self.layout.body_size)
        table = PlatypusTable([[left or "", stamp]], colWidths=[left_width, STAMP_ROOM + gap])
        table.setStyle(TableStyle([
            ("FONTNAME", (0, 0), (-1, -1), self.font),  # empty cells too: no Helvetica
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("ALIGN", (1, 0), (1, 0), "RIGHT"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (-1, -1), 0),
            ("TOPPADDING", (0, 0), (-1, -1), 0),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]))
        return [Spacer(1, self.layout.block_gap), table]

    # ---- header and footer, drawn on every page once the total is known

    def decorate_page(self, canvas: Canvas, page: int, total: int) -> None:
        canvas.saveState()
        self.draw_header(canvas, page)
        self.draw_footer(canvas, page, total)
        canvas.restoreState()

    def draw_header(self, canvas: Canvas, page: int) -> None:
        layout = self.layout
        page_width, page_height = layout.page_size
        left, right = layout.side_margin, page_width - layout.side_margin
        baseline = page_height - layout.header_baseline
        canvas.setFont(self.font, layout.small_size + 1)
        canvas.setFillColor(colors.black)
        canvas.drawString(left, baseline, self.meta.office_name)
        canvas.drawRightString(right, baseline, self.meta.window)
        if page > 1:
            canvas.drawCentredString(page_width / 2, baseline, f"{self.doc.title}（续）")
        canvas.setStrokeColor(RULE_COLOUR)
        canvas.setLineWidth(THIN_RULE)
        canvas.line(left, baseline - 2 * mm, right, baseline - 2 * mm)

    def footer_texts(self, page: int, total: int) -> tuple[str, str, str]:
        """(left of the first line, right of the first line, second line)."""
        printed = self.meta.printed_at.strftime("%Y-%m-%d %H:%M")
        left = f"经办人：{self.meta.operator_name}　　打印时间：{printed}"
        right = f"第 {page} 页 / 共 {total} 页"
        contact = [f"咨询电话：{self.meta.office_phone}" if self.meta.office_phone else "",
                   f"办公时间：{self.meta.office_hours}" if self.meta.office_hours else ""]
        return left, right, "　　".join(text for text in contact if text)

    def draw_footer(self, canvas: Canvas, page: int, total: int) -> None:
        layout = self.layout
        page_width = layout.page_size[0]
        left, right = layout.side_margin, page_width - layout.side_margin
        rule, size = layout.footer_rule, layout.small_size
        canvas.setStrokeColor(RULE_COLOUR)
        canvas.setLineWidth(THIN_RULE)
        canvas.line(left, rule, right, rule)
        first, page_text, contact = self.footer_texts(page, total)
        first_line = rule - size * 1.5
        canvas.setFont(self.font, size)
        canvas.setFillColor(colors.black)
        canvas.drawString(left, first_line, first)
        canvas.drawRightString(right, first_line, page_text)
        if self.meta.reprint_mark:
            self._draw_footer_reprint(canvas, left + self._width(first, size) + 4 * mm, first_line)
        if contact:
            canvas.drawString(left, first_line - size * 1.4, contact)

    def _draw_footer_reprint(self, canvas: Canvas, x: float, baseline: float) -> None:
        size = self.layout.small_size
        canvas.setFillColor(SEAL_COLOUR)
        canvas.drawString(x, baseline, self.meta.reprint_mark)
        width = self._width(self.meta.reprint_mark, size)
        canvas.setStrokeColor(SEAL_COLOUR)
        canvas.rect(x - 1.5, baseline - size * 0.3, width + 3, size * 1.3, stroke=1, fill=0)
        canvas.setFillColor(colors.black)
