"""Write handlers/calendar/data/<year>.json for the years the chinese-calendar package knows (run once per
package upgrade; the tests check the files against the installed package):

    .venv/bin/python -m handlers.calendar.generate_holiday_data

The dates come from the package, itself a transcription of the State Council notices. The notices we checked
the dates against ourselves are named in SOURCES with their number and where their full text is published;
the other years name the notice's title and the package.
"""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import chinese_calendar
from chinese_calendar import constants

from handlers.calendar.schedule import DATA_DIR, HolidaySchedule, ScheduleSource, parse_schedule


def title(year: int) -> str:
    return f"国务院办公厅关于{year}年部分节假日安排的通知"


SOURCES: dict[int, ScheduleSource] = {
    2025: ScheduleSource(
        title(2025),
        number="国办发明电〔2024〕12号",
        published=date(2024, 11, 12),
        url="https://m.gmw.cn/2024-11/12/content_1303894933.htm",  # Xinhua's full text, as carried by 光明网
    ),
    2026: ScheduleSource(
        # The Xinhua text of 4 November 2025 gives no document number.
        title(2026),
        published=date(2025, 11, 4),
        url="https://politics.gmw.cn/2025-11/04/content_38391083.htm",
    ),
}


# Years whose dates come from more than the one notice.
NOTES: dict[int, str] = {
    2020: "the Spring Festival break extended to 2 February by 国务院办公厅关于延长2020年春节假期的通知",
}


def package_years() -> list[int]:
    return sorted({d.year for d in constants.holidays})


def from_package(year: int) -> HolidaySchedule:
    via = f"chinese-calendar {chinese_calendar.__version__}" + (f"; {NOTES[year]}" if year in NOTES else "")
    source = SOURCES.get(year, ScheduleSource(title(year), via=via))
    return HolidaySchedule(
        year,
        source,
        frozenset(d for d in constants.holidays if d.year == year),
        frozenset(d for d in constants.workdays if d.year == year),
    )


def render(schedule: HolidaySchedule) -> str:
    return json.dumps(schedule.as_json(), ensure_ascii=False, indent=1) + "\n"


def main(target: Path = DATA_DIR) -> int:
    target.mkdir(parents=True, exist_ok=True)
    for year in package_years():
        schedule = from_package(year)
        text = render(schedule)
        parse_schedule(json.loads(text), require_reference=year in SOURCES)  # what we write must load
        (target / f"{year}.json").write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {len(package_years())} year(s) to {target}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
