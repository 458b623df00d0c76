"""Writes resources/data/holiday-schedule-cn.json: China's official holiday schedules (国务院办公厅
关于部分节假日安排的通知), every rest day and every weekend day made a working day (调休), for the
years published so far.

The data is taken from the `holidays` package (MIT), whose China calendar records each year's
notice with its source; the app ships the resulting file and reads only it for published years.
Run again when a newer `holidays` release carries a new year's notice, or let an administrator
load that year's schedule file in the app.

    python packaging/make_holiday_schedule.py
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import holidays
from holidays.countries.china import China, ChinaStaticHolidays

FIRST_YEAR = 2010
OUTPUT = Path(__file__).resolve().parent.parent / "resources" / "data" / "holiday-schedule-cn.json"


def make_up_workdays() -> dict[int, set[date]]:
    """The weekend days made working days, by their own year, from the substitution table."""
    result: dict[int, set[date]] = {}
    for year, entries in ChinaStaticHolidays.special_public_holidays.items():
        for entry in entries:
            if len(entry) >= 4 and all(isinstance(item, int) for item in entry[:4]):
                from_year = entry[4] if len(entry) == 5 else year
                workday = date(from_year, entry[2], entry[3])
                result.setdefault(workday.year, set()).add(workday)
    return result


def main() -> None:
    published = sorted(ChinaStaticHolidays.special_public_holidays)
    workdays = make_up_workdays()
    years = {}
    for year in range(FIRST_YEAR, published[-1] + 1):
        days_off = sorted(China(years=year))
        years[str(year)] = {
            "days_off": [day.isoformat() for day in days_off],
            "workdays": sorted(day.isoformat() for day in workdays.get(year, ())),
        }
    document = {
        "format": "desk-holiday-schedule/1",
        "country": "CN",
        "source": f"国务院办公厅部分节假日安排通知（{FIRST_YEAR}–{published[-1]}年），"
        f"经 holidays {holidays.__version__} 的中国节假日数据整理",
        "years": years,
    }
    OUTPUT.write_text(json.dumps(document, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{OUTPUT}: {len(years)} years, {FIRST_YEAR}–{published[-1]}")


if __name__ == "__main__":
    main()
