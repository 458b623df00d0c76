"""Reading generated PDFs back in the voucher tests (text, sizes, fields)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def pdf_text(pdf: bytes) -> str:
    return "\n".join(pdf_pages(pdf))


def compact(text: str) -> str:
    """Without whitespace, so a value wrapped over two lines still matches."""
    return re.sub(r"\s+", "", text)


def page_size(pdf: bytes, index: int = 0) -> tuple[float, float]:
    box = PdfReader(io.BytesIO(pdf)).pages[index].mediabox
    return float(box.width), float(box.height)


def fields_by_label(doc) -> dict:
    return {field.label: field for section in doc.sections for field in section.fields}


def between(text: str, start: str, end: str) -> str:
    head = text.index(start) + len(start)
    return text[head:text.index(end, head)]


def text_runs(pdf: bytes, index: int = 0) -> list[tuple[str, float, float, float]]:
    """(text, x, y, font size) of every string drawn on a page: its start on the baseline, in points."""
    runs: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, _font, size):
        if not text.strip():
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        if runs and runs[-1][1:3] == (x, y):  # pypdf splits one drawn string by font subset
            runs[-1] = (runs[-1][0] + text.strip(), x, y, runs[-1][3])
        else:
            runs.append((text.strip(), x, y, size * (tm[0] or 1) * (cm[0] or 1)))

    PdfReader(io.BytesIO(pdf)).pages[index].extract_text(visitor_text=visit)
    return runs
