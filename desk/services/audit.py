"""The audit log for the administrator: browse with filters, and export (Excel and PDF).
Nobody can edit it from the app."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from desk.core.errors import ValidationError
from desk.services.context import Desk, Operator
from desk.store import audit as audit_store

PAGE = 200
HEADERS = ("序号", "时间", "操作员", "窗口", "操作", "记录类型", "记录编号", "变更内容")


@dataclass(frozen=True)
class AuditFilter:
    first: date | None = None
    last: date | None = None
    operator_name: str | None = None
    action_prefix: str | None = None
    record_id: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    """One entry of the log as the administrator browses it."""

    id: int
    at: str
    operator_name: str | None  # None: the system (a backup at start, a migration)
    window: str | None
    action: str
    record_type: str | None
    record_id: str | None
    detail_json: str


def _criteria(filters: AuditFilter) -> dict:
    if filters.first and filters.last and filters.last < filters.first:
        raise ValidationError.single("last", "order", "截止日期不能早于起始日期。")
    return {"since": filters.first.isoformat() if filters.first else None,
            "before": date.fromordinal(filters.last.toordinal() + 1).isoformat() if filters.last else None,
            "operator_name": filters.operator_name, "action_prefix": filters.action_prefix,
            "record_id": filters.record_id}


def _where(filters: AuditFilter) -> tuple[str, list]:
    """The WHERE clause and parameters of the filters (for counting the same entries)."""
    return audit_store.log_where(**_criteria(filters))


def entries(desk: Desk, admin: Operator, filters: AuditFilter = AuditFilter(), *, limit: int = PAGE,
            offset: int = 0) -> list[AuditEntry]:
    """One page of the filtered log, newest first."""
    admin.require("admin.audit")
    rows = audit_store.log_entries(desk.db, newest_first=True, limit=limit, offset=offset, **_criteria(filters))
    return [AuditEntry(**row) for row in rows]


def _all(desk: Desk, admin: Operator, filters: AuditFilter) -> list[dict]:
    admin.require("admin.audit")
    return audit_store.log_entries(desk.db, newest_first=False, **_criteria(filters))


def _detail_text(detail_json: str) -> str:
    return json.dumps(json.loads(detail_json), ensure_ascii=False)[:2000]


def export_xlsx(desk: Desk, admin: Operator, filters: AuditFilter, path: Path) -> int:
    from openpyxl import Workbook

    rows = _all(desk, admin, filters)
    book = Workbook(write_only=True)
    sheet = book.create_sheet("审计日志")
    sheet.append(list(HEADERS))
    for row in rows:
        sheet.append([row["id"], row["at"], row["operator_name"] or "", row["window"] or "", row["action"],
                      row["record_type"] or "", row["record_id"] or "", _detail_text(row["detail_json"])])
    book.save(path)
    _record_export(desk, admin, filters, path, len(rows))
    return len(rows)


def export_pdf(desk: Desk, admin: Operator, filters: AuditFilter, path: Path) -> int:
    from desk.vouchers.audit_report import render_audit_report

    rows = _all(desk, admin, filters)
    path.write_bytes(render_audit_report(desk.setting("office_name"), admin.display_name, desk.now(), rows))
    _record_export(desk, admin, filters, path, len(rows))
    return len(rows)


def _record_export(desk: Desk, admin: Operator, filters: AuditFilter, path: Path, count: int) -> None:
    with desk.transaction():
        desk.audit(admin, "audit.export", "audit_log", None, {"file": Path(path).name, "entries": count,
                                                              "filters": {k: str(v) for k, v in filters.__dict__.items() if v}})
