import json
from datetime import date

import pytest

from desk.core.errors import PermissionDenied
from desk.core.workdays import ScheduleError
from desk.services import calendar, workdays

TEXT = json.dumps({"format": "desk-holiday-schedule/1", "source": "国务院办公厅关于2027年部分节假日安排的通知（测试）",
                   "years": {"2027": {"days_off": ["2027-02-05", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"],
                                      "workdays": ["2027-02-20"]}}}, ensure_ascii=False)


def test_an_administrator_loads_a_schedule_audited(desk, staff):
    assert workdays.work_calendar(desk).add_working_days(date(2027, 2, 4), 1).provisional
    with pytest.raises(PermissionDenied):
        calendar.load_schedule(desk, staff["reviewer"], TEXT)
    assert calendar.load_schedule(desk, staff["admin"], TEXT) == [2027]
    due = workdays.work_calendar(desk).add_working_days(date(2027, 2, 4), 1)
    assert (due.due, due.provisional) == (date(2027, 2, 12), False)
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log WHERE action = 'calendar.load'").fetchone()[0] == 1


def test_a_bad_file_changes_nothing(desk, staff):
    before = desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0]
    with pytest.raises(ScheduleError):
        calendar.load_schedule(desk, staff["admin"], TEXT.replace('"2027-02-20"', '"2027-02-05"'))
    assert desk.db.execute("SELECT COUNT(*) FROM holiday_schedules").fetchone()[0] == 0
    assert desk.db.execute("SELECT COUNT(*) FROM audit_log").fetchone()[0] == before
