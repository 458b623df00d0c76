"""What a printed voucher says, as plain data: built by `documents`, drawn by `render`.

No reportlab here, so services and tests can build and inspect a document without drawing it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

PAPER_SIZES = ("A4", "A5")


@dataclass(frozen=True)
class Field:
    """One labelled value; `provisional` prints the word 暂定 beside the value."""

    label: str
    value: str
    provisional: bool = False


@dataclass(frozen=True)
class Table:
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Section:
    title: str
    fields: tuple[Field, ...] = ()
    table: Table | None = None
    paragraphs: tuple[str, ...] = ()


@dataclass(frozen=True)
class VoucherMeta:
    """What every document shares; comes from the service layer."""

    number: str
    code: str
    office_name: str
    window: str
    operator_name: str
    printed_at: datetime
    reprint: int = 0  # 0 = original; n = the n-th reprint, printed as 补打（第n次）
    paper: str = "A4"  # "A4" or "A5"
    office_phone: str = ""
    office_hours: str = ""

    @property
    def qr_text(self) -> str:
        """What the QR code carries: what a scanner types into the verify dialog."""
        return f"{self.number}|{self.code}"

    @property
    def reprint_mark(self) -> str:
        return f"补打（第{self.reprint}次）" if self.reprint > 0 else ""


@dataclass(frozen=True)
class VoucherDoc:
    doc_type: str
    title: str
    meta: VoucherMeta
    sections: tuple[Section, ...]
    notes: tuple[str, ...] = ()
    signature_lines: tuple[str, ...] = ()
    # Right-aligned closing lines (落款) under everything else, e.g. the issuing office,
    # the date and the seal placeholder "（经办机构章）". Added after the first contract;
    # optional, so documents that do not need it are unaffected.
    closing: tuple[str, ...] = ()

    @property
    def has_provisional(self) -> bool:
        return any(field.provisional for section in self.sections for field in section.fields)
