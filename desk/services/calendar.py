"""节假日安排: an administrator loads a newer official holiday schedule (audited, never
overwritten: the latest load wins), and the years published. The calendar in force is
`desk.services.workdays`; loading moves the provisional due dates of open transfers with it."""

from __future__ import annotations

from desk.core.workdays import parse_schedule
from desk.services import transfer
from desk.services.context import Desk, Operator
from desk.services.workdays import work_calendar
from desk.store import holidays as holidays_store


def load_schedule(desk: Desk, admin: Operator, text: str) -> list[int]:
    """An administrator loads a newer schedule file; malformed or contradictory files change nothing."""
    admin.require("admin.calendar")
    schedules = parse_schedule(text)
    with desk.transaction():
        for schedule in schedules.values():
            holidays_store.insert_schedule(
                desk.db, year=schedule.year, days_off=sorted(d.isoformat() for d in schedule.days_off),
                workdays=sorted(d.isoformat() for d in schedule.workdays), source=schedule.source,
                loaded_by=admin.id, at=desk.timestamp())
        desk.audit(admin, "calendar.load", "holiday_schedule", ",".join(map(str, sorted(schedules))),
                   {"years": sorted(schedules), "source": next(iter(schedules.values())).source})
        transfer.recompute_provisional_due_dates(desk, admin)  # provisional due dates follow the new schedule
    return sorted(schedules)


def published_years(desk: Desk) -> list[int]:
    return sorted(work_calendar(desk).schedules)
