"""The one registry of document types: every paper desk prints is one line of `DOCUMENT_TYPES`.

A line says everything the rest of desk needs to know about the type: the prefix of its
numbers (CB-20261201-0001), the title printed on it and its short name in lists, the builder
that turns a stored payload into a `VoucherDoc` (and a renderer of its own where the common
one does not fit), the papers it may print on (the first is used when the office's paper is
not among them), and the permissions that let an operator print it.

This module imports nothing heavy: the services read prefixes, names and permissions from it
without loading reportlab; builders and renderers are named as `module:function` under
`desk.vouchers` and imported only when a document is drawn.

Adding a document type: write its builder, add its line here and a sample payload to
`samples.SAMPLES` (tests/vouchers check every type has one).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

A4_OR_A5 = ("A4", "A5")
A4_ONLY = ("A4",)


@dataclass(frozen=True)
class DocumentType:
    key: str
    prefix: str
    title: str  # the heading printed on the paper
    name: str  # the short name in lists, previews and verification results
    builder: str  # "module:function" under desk.vouchers: (payload, meta) -> VoucherDoc
    papers: tuple[str, ...] = A4_ONLY
    renderer: str | None = None  # "module:function" (doc) -> PDF bytes; None: render.render_pdf
    print_permissions: tuple[str, ...] = ("voucher.print",)  # any one of them lets an operator print it


DOCUMENT_TYPES: dict[str, DocumentType] = {
    kind.key: kind
    for kind in (
        DocumentType("enrolment_receipt", "CB", "城乡居民基本医疗保险参保登记回执", "参保登记回执",
                     "documents:build_enrolment_receipt", papers=A4_OR_A5),
        DocumentType("enrolment_certificate", "PZ", "基本医疗保险参保凭证", "基本医疗保险参保凭证",
                     "documents:build_enrolment_certificate"),
        DocumentType("one_time_notice", "GZ", "一次性告知书", "一次性告知书", "documents:build_one_time_notice"),
        DocumentType("filing_receipt", "SL", "门诊慢特病申请受理回执", "慢特病受理回执",
                     "chronic_documents:build_filing_receipt", papers=A4_OR_A5),
        DocumentType("filing_approval", "RD", "门诊慢特病待遇认定通知书", "门诊慢特病待遇认定通知书",
                     "documents:build_filing_approval"),
        DocumentType("filing_rejection", "BY", "门诊慢特病待遇不予认定通知书", "门诊慢特病待遇不予认定通知书",
                     "documents:build_filing_rejection"),
        DocumentType("settlement_statement", "JS", "医疗费用结算单", "医疗费用结算单",
                     "settlement_documents:build_settlement_statement", papers=A4_OR_A5,
                     renderer="settlement_documents:render_statement_pdf"),
        DocumentType("reversal_notice", "CZ", "结算冲正凭证", "结算冲正凭证", "settlement_documents:build_reversal_notice"),
        DocumentType("transfer_form", "SQ", "医保社保关系转移接续“一件事”申请登记表", "医保社保关系转移接续“一件事”申请登记表",
                     "transfer_documents:build_transfer_form"),
        DocumentType("transfer_receipt", "HZ", "转移接续受理回执", "转移接续受理回执", "transfer_documents:build_transfer_receipt",
                     papers=A4_OR_A5),
        # a daily report is the operator's own paper (the service decided whose day it shows when it was issued)
        DocumentType("daily_report", "RB", "医保经办窗口业务日报表", "日报表", "daily_report:build_daily_report",
                     renderer="daily_report:render_daily_report_pdf", print_permissions=("report.own", "report.office")),
        DocumentType("import_list", "DR", "集中参保导入清单", "导入清单", "import_documents:build_import_list"),
    )
}
DOCUMENT_TITLES: dict[str, str] = {key: kind.title for key, kind in DOCUMENT_TYPES.items()}
DEFAULT_PRINT_PERMISSIONS = ("voucher.print",)


def document_type(key: str) -> DocumentType:
    try:
        return DOCUMENT_TYPES[key]
    except KeyError:
        raise ValueError(f"unknown voucher type {key!r}; known: {sorted(DOCUMENT_TYPES)}") from None


def title(key: str) -> str:
    return document_type(key).title


def name(key: str) -> str:
    """The type's short name; an unknown type (a newer installation's paper) shows its key."""
    kind = DOCUMENT_TYPES.get(key)
    return kind.name if kind else key


def print_permissions(key: str) -> tuple[str, ...]:
    kind = DOCUMENT_TYPES.get(key)
    return kind.print_permissions if kind else DEFAULT_PRINT_PERMISSIONS


def resolve(reference: str) -> Callable[..., Any]:
    module, function = reference.split(":")
    return getattr(importlib.import_module(f"desk.vouchers.{module}"), function)
