"""The audit log exported as a PDF report (A4 landscape), for the administrator."""

from __future__ import annotations

import io
import json
from datetime import datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import LongTable, Paragraph, SimpleDocTemplate, Spacer, TableStyle

from desk.vouchers.fonts import register_reportlab_font

WIDTHS = (14 * mm, 34 * mm, 22 * mm, 18 * mm, 38 * mm, 22 * mm, 20 * mm, 99 * mm)
HEADERS = ("序号", "时间", "操作员", "窗口", "操作", "记录类型", "记录编号", "变更内容")


def _styles(font: str):
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9.5, wordWrap="CJK")
    title = ParagraphStyle("title", fontName=font, fontSize=15, leading=20, alignment=1)
    small = ParagraphStyle("small", fontName=font, fontSize=9, leading=12)
    return cell, title, small


def _detail(detail_json: str) -> str:
    text = json.dumps(json.loads(detail_json), ensure_ascii=False)
    return text if len(text) <= 400 else text[:400] + "…"


def _escape(text) -> str:
    return str(text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def render_audit_report(office: str, exported_by: str, at: datetime, rows: list[dict]) -> bytes:
    font = register_reportlab_font()
    cell, title, small = _styles(font)
    data = [[Paragraph(h, cell) for h in HEADERS]]
    for row in rows:
        values = (row["id"], row["at"], row["operator_name"], row["window"], row["action"], row["record_type"],
                  row["record_id"], _detail(row["detail_json"]))
        data.append([Paragraph(_escape(v), cell) for v in values])
    table = LongTable(data, colWidths=WIDTHS, repeatRows=1)
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8ecf2")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    buffer = io.BytesIO()

    def footer(canvas, document):
        canvas.setFont(font, 8)
        canvas.drawString(12 * mm, 8 * mm, f"{office}  导出人：{exported_by}  导出时间：{at:%Y-%m-%d %H:%M}")
        canvas.drawRightString(landscape(A4)[0] - 12 * mm, 8 * mm, f"第 {document.page} 页")

    document = SimpleDocTemplate(buffer, pagesize=landscape(A4), leftMargin=12 * mm, rightMargin=12 * mm,
                                 topMargin=12 * mm, bottomMargin=14 * mm, title="审计日志", author=office)
    story = [Paragraph("审计日志", title), Paragraph(f"{office}，共 {len(rows)} 条记录", small), Spacer(1, 4 * mm), table]
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
