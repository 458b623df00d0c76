"""What the administration pages read that no other service offers: the audit log's size and the
names in it (the entries and exports: desk.services.audit), and the holiday schedules
administrators loaded (loading them: desk.services.calendar)."""

from __future__ import annotations

from dataclasses import dataclass

from desk.services import audit
from desk.services.context import Desk, Operator
from desk.store import audit_queries
from desk.store import holidays as holiday_store


def audit_count(desk: Desk, admin: Operator, filters: audit.AuditFilter) -> int:
    admin.require("admin.audit")
    where, params = audit._where(filters)
    return audit_queries.count_entries(desk.db, where, params)


def audit_operator_names(desk: Desk, admin: Operator) -> list[str]:
    """The names that appear in the log, for the operator filter."""
    admin.require("admin.audit")
    return audit_queries.operator_names(desk.db)


@dataclass(frozen=True)
class LoadedSchedule:
    year: int
    source: str
    loaded_by: str
    loaded_at: str


def loaded_schedules(desk: Desk) -> list[LoadedSchedule]:
    """The schedules administrators loaded after release, newest first (the latest per year applies)."""
    return [LoadedSchedule(row["year"], row["source"], row["loaded_by"] or "", str(row["loaded_at"]).replace("T", " "))
            for row in holiday_store.loaded_schedules(desk.db)]
