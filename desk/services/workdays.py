"""The working-day calendar in force: the shipped official schedules, plus newer years an
administrator loaded (kept in the database, never overwritten: the latest load of a year wins).
Loading a schedule is `desk.services.calendar.load_schedule`."""

from __future__ import annotations

import json
from datetime import date
from functools import lru_cache

from desk.core.workdays import WorkCalendar, YearSchedule, parse_schedule
from desk.resources import resource_path
from desk.services.context import Desk
from desk.store import holidays as holidays_store

SHIPPED_SCHEDULE = ("data", "holiday-schedule-cn.json")


@lru_cache(maxsize=1)
def shipped_calendar() -> WorkCalendar:
    return WorkCalendar(parse_schedule(resource_path(*SHIPPED_SCHEDULE).read_text(encoding="utf-8")))


def _loaded(desk: Desk) -> dict[int, YearSchedule]:
    schedules = {}
    for row in holidays_store.schedules(desk.db):
        schedules[row["year"]] = YearSchedule(
            row["year"],
            frozenset(date.fromisoformat(d) for d in json.loads(row["days_off_json"])),
            frozenset(date.fromisoformat(d) for d in json.loads(row["workdays_json"])),
            row["source"],
        )
    return schedules


def work_calendar(desk: Desk) -> WorkCalendar:
    calendar = shipped_calendar()
    for schedule in _loaded(desk).values():
        calendar = calendar.with_schedule(schedule)
    return calendar


def bring_by(desk: Desk, working_days: int | None) -> dict | None:
    """By when a 一次性告知书 issued today asks for the missing materials (the payload's `bring_by`):
    `working_days` after today on this calendar (holidays skipped; provisional while that year's
    schedule is unpublished). None when the pack sets no such limit: the notice then gives no date."""
    if working_days is None:
        return None
    due = work_calendar(desk).add_working_days(desk.today(), working_days)
    return {"date": due.due.isoformat(), "working_days": working_days, "provisional": due.provisional}
