"""Working days by the official schedule, hand-counted on a calendar."""

import json
from datetime import date

import pytest

from desk.core.workdays import ScheduleError, WorkCalendar, parse_schedule
from desk.services.workdays import shipped_calendar

CALENDAR = shipped_calendar()


@pytest.mark.parametrize(
    "start, count, due, provisional",
    [
        # Spring Festival 2026: 2-15..2-23 off, Saturday 2-14 and Saturday 2-28 are working days
        ("2026-02-13", 1, "2026-02-14", False),
        ("2026-02-13", 2, "2026-02-24", False),
        ("2026-02-24", 4, "2026-02-28", False),
        # National Day and Mid-Autumn 2025: 10-1..10-8 off; Sunday 9-28 and Saturday 10-11 work
        ("2025-09-26", 1, "2025-09-28", False),
        ("2025-09-30", 1, "2025-10-09", False),
        ("2025-09-30", 3, "2025-10-11", False),
        # 22 working days across Mid-Autumn and National Day 2026 (make-up 9-20 and 10-10)
        ("2026-09-15", 22, "2026-10-21", False),
        # START not counted, even when it is a working day; a holiday START is fine
        ("2026-10-01", 1, "2026-10-08", False),
        # across the year end into 2027, not yet published: 1-1 statutory, weekend, then 1-4, 1-5
        ("2026-12-28", 2, "2026-12-30", False),
        ("2026-12-30", 3, "2027-01-05", True),
        # 2027 Spring Festival by law: eve 2-5 (Fri) to 2-8 (Mon), no make-up days
        ("2027-02-04", 1, "2027-02-09", True),
        # an old year: 2012-01-21 (Saturday) was a make-up working day
        ("2012-01-20", 1, "2012-01-21", False),
    ],
)
def test_due_dates(start, count, due, provisional):
    result = CALENDAR.add_working_days(date.fromisoformat(start), count)
    assert (result.due.isoformat(), result.provisional) == (due, provisional)


def test_every_published_year_is_shipped():
    assert set(range(2010, 2027)) <= set(CALENDAR.schedules)


def schedule_text(years: dict, source: str = "国办发明电〔2026〕X号（测试）") -> str:
    return json.dumps({"format": "desk-holiday-schedule/1", "source": source, "years": years}, ensure_ascii=False)


def test_loading_a_newer_schedule_changes_due_dates_and_makes_them_final():
    # a made-up 2027 notice: Spring Festival 2-5..2-11 off, Saturday 2-20 works
    text = schedule_text({"2027": {"days_off": ["2027-01-01", "2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
                                   "workdays": ["2027-02-20"]}})
    calendar = CALENDAR.with_schedule(parse_schedule(text)[2027])
    result = calendar.add_working_days(date(2027, 2, 4), 1)
    assert (result.due, result.provisional) == (date(2027, 2, 12), False)
    assert calendar.add_working_days(date(2027, 2, 19), 1).due == date(2027, 2, 20)


@pytest.mark.parametrize(
    "text, words",
    [
        ("{not json", "不是有效的 JSON"),
        (json.dumps({"format": "other", "source": "x", "years": {}}), "格式标记"),
        (schedule_text({"2027": {"days_off": ["2027-02-20"], "workdays": ["2027-02-20"]}}), "自相矛盾"),
        (schedule_text({"2027": {"days_off": ["2027-02-30"]}}), "不是 YYYY-MM-DD"),
        (schedule_text({"2027": {"days_off": ["2028-01-01"]}}), "不属于该年"),
        (schedule_text({"2027": {"days_off": [], "workdays": ["2027-02-10"]}}), "不需要列为调休上班日"),
        (schedule_text({"27": {"days_off": []}}), "四位年份"),
        (schedule_text({"2027": {"days_off": []}}, source=""), "来源"),
    ],
)
def test_malformed_or_contradictory_schedules_are_refused(text, words):
    with pytest.raises(ScheduleError) as caught:
        parse_schedule(text)
    assert words in caught.value.message


def test_count_must_be_positive():
    with pytest.raises(Exception, match="1到3650"):
        CALENDAR.add_working_days(date(2026, 1, 1), 0)


def test_unpublished_year_without_make_up_days():
    calendar = WorkCalendar({})
    assert not calendar.is_working_day(date(2027, 10, 1)) and calendar.is_working_day(date(2027, 10, 4))
    assert calendar.working_days_between(date(2027, 9, 30), date(2027, 10, 8)) == 5
