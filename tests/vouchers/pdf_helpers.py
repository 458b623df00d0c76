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
