"""The audit log exported as a PDF report (A4 landscape), for the administrator.

Drawn as it is read: the rows come from an iterator, a table of CHUNK rows at a time joins the
story only when the pages before it are laid out, and the column header is drawn on every page
by the page itself, so a long log never sits in memory as one table."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from desk.vouchers.fonts import register_reportlab_font

WIDTHS = (14 * mm, 30 * mm, 18 * mm, 16 * mm, 30 * mm, 30 * mm, 18 * mm, 20 * mm, 97 * mm)
HEADERS = ("序号", "时间", "操作员", "窗口", "操作", "操作代码", "记录类型", "记录编号", "变更内容")
CHUNK = 60  # rows per table of the story
DETAIL = 400  # characters of a detail printed
PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER_HEIGHT = 7 * mm
TITLE_HEIGHT = 16 * mm
GRID = colors.grey
HEADING_BACKGROUND = colors.HexColor("#e8ecf2")


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _cut(text: str) -> str:
    return text if len(text) <= DETAIL else text[:DETAIL] + "…"


class _Story(list):
    """The story as platypus consumes it (from the front), refilled from the rows as it empties."""

    def __init__(self, tables: Iterator[Table]):
        super().__init__()
        self._tables = tables

    def __len__(self) -> int:
        if super().__len__() < 2:
            self.extend(itertools.islice(self._tables, 2))
        return super().__len__()


WRAPPED = (4, 5, 8)  # 操作, 操作代码, 变更内容 wrap in their column; the others are short, drawn as text


def _tables(rows: Iterable[tuple], cell: ParagraphStyle) -> Iterator[Table]:
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.3, GRID), ("VALIGN", (0, 0), (-1, -1), "TOP"),
                        ("FONT", (0, 0), (-1, -1), cell.fontName, cell.fontSize, cell.leading),
                        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)])
    chunk = []
    for row in rows:
        values = (*row[:-1], _cut(str(row[-1])))
        chunk.append([Paragraph(_escape(value), cell) if column in WRAPPED else str(value or "")
                      for column, value in enumerate(values)])
        if len(chunk) == CHUNK:
            yield Table(chunk, colWidths=WIDTHS, style=style)
            chunk = []
    if chunk:
        yield Table(chunk, colWidths=WIDTHS, style=style)


def write_audit_report(out: BinaryIO, office: str, exported_by: str, at: datetime, total: int,
                       rows: Iterable[tuple]) -> None:
    """The report of `total` entries into `out`; `rows`: (序号, 时间, 操作员, 窗口, 操作, 操作代码,
    记录类型, 记录编号, 变更内容) tuples, oldest first."""
    font = register_reportlab_font()
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    width, height = PAGE
    top = height - MARGIN

    def header(canvas, y: float) -> None:
        canvas.setFillColor(HEADING_BACKGROUND)
        canvas.setStrokeColor(GRID)
        canvas.setLineWidth(0.3)
        x = MARGIN
        for column, column_width in zip(HEADERS, WIDTHS, strict=True):
            canvas.rect(x, y - HEADER_HEIGHT, column_width, HEADER_HEIGHT, stroke=1, fill=1)
            canvas.setFillColor(colors.black)
            canvas.setFont(font, 7.5)
            canvas.drawString(x + 2, y - HEADER_HEIGHT + 2.2 * mm, column)
            canvas.setFillColor(HEADING_BACKGROUND)
            x += column_width
        canvas.setFillColor(colors.black)

    def footer(canvas, document) -> None:
        canvas.setFont(font, 8)
        canvas.drawString(MARGIN, 8 * mm, f"{office}  导出人：{exported_by}  导出时间：{at:%Y-%m-%d %H:%M}")
        canvas.drawRightString(width - MARGIN, 8 * mm, f"第 {document.page} 页")

    def first_page(canvas, document) -> None:
        canvas.saveState()
        canvas.setFont(font, 15)
        canvas.drawCentredString(width / 2, top - 6 * mm, "审计日志")
        canvas.setFont(font, 9)
        canvas.drawString(MARGIN, top - 13 * mm, f"{office}，共 {total} 条记录")
        header(canvas, top - TITLE_HEIGHT)
        footer(canvas, document)
        canvas.restoreState()

    def later_page(canvas, document) -> None:
        canvas.saveState()
        header(canvas, top)
        footer(canvas, document)
        canvas.restoreState()

    bottom = 14 * mm
    frame_width = width - 2 * MARGIN
    first = Frame(MARGIN, bottom, frame_width, top - TITLE_HEIGHT - HEADER_HEIGHT - bottom, id="first",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    later = Frame(MARGIN, bottom, frame_width, top - HEADER_HEIGHT - bottom, id="later",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    document = BaseDocTemplate(out, pagesize=PAGE, title="审计日志", author=office, pageCompression=1,
                               pageTemplates=[PageTemplate("first", [first], onPage=first_page, autoNextPageTemplate="later"),
                                              PageTemplate("later", [later], onPage=later_page)])
    story = _Story(_tables(rows, cell))
    if not len(story):
        story.append(Paragraph("（没有符合条件的记录）", cell))
    document.build(story)
