"""Working days by China's official holiday schedule (transfer.md, "Deadlines in working days").

A published year follows its schedule: its days off, and the weekend days made working days
(调休). A year not yet published has the weekends and the statutory holidays as the law fixes
them (computed by the `holidays` package, lunar dates included), no make-up working days, and
any result that depends on it is provisional (暂定).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

from desk.core import json_text
from desk.core.errors import DeskError, Problem, ValidationError

SCHEDULE_FORMAT = "desk-holiday-schedule/1"
MAX_WORKING_DAYS = 3650


class ScheduleError(ValidationError):
    """节假日安排文件有误。"""


@dataclass(frozen=True)
class YearSchedule:
    year: int
    days_off: frozenset[date]
    workdays: frozenset[date]
    source: str = ""


@dataclass(frozen=True)
class DueDate:
    due: date
    provisional: bool

    def as_json(self) -> dict:
        return {"due": self.due.isoformat(), "provisional": self.provisional}


@lru_cache(maxsize=64)
def statutory_days_off(year: int) -> frozenset[date]:
    """The statutory holidays as the law fixes them, without the State Council's re-arrangement."""
    from holidays.countries.china import China

    return frozenset(China(years=year, observed=False))


class WorkCalendar:
    def __init__(self, schedules: dict[int, YearSchedule]):
        self.schedules = dict(schedules)

    def published(self, year: int) -> bool:
        return year in self.schedules

    def is_working_day(self, day: date) -> bool:
        schedule = self.schedules.get(day.year)
        if schedule is None:
            return day.weekday() < 5 and day not in statutory_days_off(day.year)
        if day in schedule.workdays:
            return True
        return day.weekday() < 5 and day not in schedule.days_off

    def add_working_days(self, start: date, count: int) -> DueDate:
        """The count-th working day after start (start itself not counted)."""
        if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= MAX_WORKING_DAYS:
            raise DeskError(f"工作日天数应为1到{MAX_WORKING_DAYS}之间的整数。", field="count")
        day, counted, provisional = start, 0, False
        if start > date.max - timedelta(days=2 * count + 30):
            raise DeskError(f"起始日期 {start.isoformat()} 之后{count}个工作日超出可计算的日期范围，请核对日期。", field="start")
        while counted < count:
            day += timedelta(days=1)
            provisional = provisional or not self.published(day.year)
            if self.is_working_day(day):
                counted += 1
        return DueDate(day, provisional)

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after start up to and including end (negative when end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(days=offset)))

    def with_schedule(self, schedule: YearSchedule) -> WorkCalendar:
        return WorkCalendar({**self.schedules, schedule.year: schedule})


# ------------------------------------------------------------ schedule files


def _dates(raw, year: int, key: str, problems: list[Problem]) -> frozenset[date]:
    if not isinstance(raw, list):
        problems.append(Problem(key, "type", f"{year}年的 {key} 应为日期列表。"))
        return frozenset()
    result = set()
    for item in raw:
        try:
            day = date.fromisoformat(item) if isinstance(item, str) and len(item) == 10 else None
        except ValueError:
            day = None
        if day is None:
            problems.append(Problem(key, "date", f"{year}年的 {key} 中“{item}”不是 YYYY-MM-DD 日期。"))
        elif day.year != year:
            problems.append(Problem(key, "year", f"{year}年的 {key} 中 {item} 不属于该年。"))
        else:
            result.add(day)
    return frozenset(result)


def _year(year_text: str, entry, source: str, problems: list[Problem]) -> YearSchedule | None:
    if not (isinstance(year_text, str) and year_text.isdigit() and len(year_text) == 4 and isinstance(entry, dict)):
        problems.append(Problem("years", "format", f"年份“{year_text}”格式不对，应为四位年份及其安排。"))
        return None
    year = int(year_text)
    unknown = set(entry) - {"days_off", "workdays"}
    if unknown:
        problems.append(Problem("years", "unknown", f"{year}年有未知的键 {sorted(unknown)[0]}。"))
    days_off = _dates(entry.get("days_off"), year, "days_off", problems)
    workdays = _dates(entry.get("workdays", []), year, "workdays", problems)
    for day in sorted(days_off & workdays):
        problems.append(Problem("years", "contradiction", f"{day.isoformat()} 同时被列为休息日和调休上班日，安排自相矛盾。"))
    for day in sorted(workdays):
        if day.weekday() < 5:
            problems.append(Problem("workdays", "weekday", f"{day.isoformat()} 是工作日（周一至周五），不需要列为调休上班日。"))
    return YearSchedule(year, days_off, workdays, source)


def parse_schedule(text: str) -> dict[int, YearSchedule]:
    """A schedule file (the shipped one, or a newer one an administrator loads). All problems at once."""
    if not isinstance(text, (str, bytes)):
        raise ScheduleError([Problem("(file)", "type", "请选择节假日安排文件（JSON 文本）。")])
    try:
        document = json_text.loads(text)
    except UnicodeDecodeError:
        raise ScheduleError([Problem("(file)", "encoding", "节假日安排文件应为 UTF-8 编码的文本。")]) from None
    except json_text.JsonTextError as error:
        raise ScheduleError([Problem("(file)", "json", f"节假日安排文件{error}。")]) from None
    if not isinstance(document, dict) or document.get("format") != SCHEDULE_FORMAT:
        raise ScheduleError([Problem("format", "format", f"文件格式标记应为 {SCHEDULE_FORMAT}。")])
    source = document.get("source")
    if not isinstance(source, str) or not source.strip():
        raise ScheduleError([Problem("source", "required", "请注明安排的来源（国务院办公厅通知的文号或名称）。")])
    years = document.get("years")
    if not isinstance(years, dict) or not years:
        raise ScheduleError([Problem("years", "required", "文件中没有任何年份的安排。")])
    problems: list[Problem] = []
    schedules = {}
    for year_text, entry in years.items():
        schedule = _year(year_text, entry, source.strip(), problems)
        if schedule:
            schedules[schedule.year] = schedule
    if problems:
        raise ScheduleError(problems)
    return schedules
