"""The working-day calendar the app uses: the shipped official schedules, plus newer years an
administrator loaded (kept in the database, audited, never overwritten: the latest load wins)."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from desk.core.workdays import WorkCalendar, YearSchedule, parse_schedule
from desk.resources import resource_path
from desk.services.context import Desk, Operator
from desk.store import holidays as holidays_store

SHIPPED_SCHEDULE = ("data", "holiday-schedule-cn.json")


@lru_cache(maxsize=1)
def shipped_calendar() -> WorkCalendar:
    return WorkCalendar(parse_schedule(resource_path(*SHIPPED_SCHEDULE).read_text(encoding="utf-8")))


def _loaded(desk: Desk) -> dict[int, YearSchedule]:
    rows = desk.db.execute(
        "SELECT year, days_off_json, workdays_json, source FROM holiday_schedules ORDER BY id"
    ).fetchall()
    schedules = {}
    for year, days_off, workdays, source in rows:
        schedules[year] = YearSchedule(
            year,
            frozenset(date.fromisoformat(d) for d in json.loads(days_off)),
            frozenset(date.fromisoformat(d) for d in json.loads(workdays)),
            source,
        )
    return schedules


def work_calendar(desk: Desk) -> WorkCalendar:
    calendar = shipped_calendar()
    for schedule in _loaded(desk).values():
        calendar = calendar.with_schedule(schedule)
    return calendar


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
        from desk.services.transfer import recompute_provisional_due_dates

        recompute_provisional_due_dates(desk, admin)  # provisional due dates follow the new schedule
    return sorted(schedules)


def published_years(desk: Desk) -> list[int]:
    return sorted(work_calendar(desk).schedules)
