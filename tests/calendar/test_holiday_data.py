"""The shipped holiday schedules: one file per year, each naming its State Council notice, equal to the
chinese-calendar package's data for every year the package knows, and what the kept script writes."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any

import chinese_calendar
import pytest

from handlers.calendar.generate_holiday_data import SOURCES, from_package, package_years, render
from handlers.calendar.schedule import DATA_DIR, bundled_schedules, parse_schedule
from handlers.errors import InvalidInput


def test_every_year_the_package_knows_is_shipped_and_no_other() -> None:
    years = sorted(bundled_schedules())
    assert years == package_years()
    assert years[0] == 2004 and years[-1] == 2026  # chinese-calendar 1.11.0; 2027's notice is not out yet
    assert not (DATA_DIR / "2027.json").exists()


@pytest.mark.parametrize("year", package_years())
def test_each_file_agrees_with_the_package_on_every_day(year: int) -> None:
    schedule = bundled_schedules()[year]
    day = date(year, 1, 1)
    while day.year == year:
        assert schedule.is_working_day(day) is chinese_calendar.is_workday(day), day
        day += timedelta(days=1)
    assert (DATA_DIR / f"{year}.json").read_text(encoding="utf-8") == render(from_package(year))
    assert schedule.source.title == f"国务院办公厅关于{year}年部分节假日安排的通知"
    assert schedule.source.url or schedule.source.number or schedule.source.via


def test_2025_and_2026_name_their_notices() -> None:
    schedules = bundled_schedules()
    assert set(SOURCES) == {2025, 2026}
    n2025, n2026 = schedules[2025].source, schedules[2026].source
    assert n2025.number == "国办发明电〔2024〕12号" and n2025.published == date(2024, 11, 12) and n2025.url
    assert n2026.published == date(2025, 11, 4) and (n2026.url or "").startswith("https://")


def test_2026_as_the_notice_words_it() -> None:
    """国务院办公厅关于2026年部分节假日安排的通知 (4 November 2025), read against the file."""
    schedule = bundled_schedules()[2026]

    def days(start: date, end: date) -> set[date]:
        return {start + timedelta(n) for n in range((end - start).days + 1)}

    breaks = [
        (date(2026, 1, 1), date(2026, 1, 3)),
        (date(2026, 2, 15), date(2026, 2, 23)),
        (date(2026, 4, 4), date(2026, 4, 6)),
        (date(2026, 5, 1), date(2026, 5, 5)),
        (date(2026, 6, 19), date(2026, 6, 21)),
        (date(2026, 9, 25), date(2026, 9, 27)),
        (date(2026, 10, 1), date(2026, 10, 7)),
    ]
    assert set().union(*(days(a, b) for a, b in breaks)) == schedule.holidays
    assert schedule.workdays == {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }


def _file(**changes: Any) -> dict[str, Any]:
    content: dict[str, Any] = {
        "year": 2031,
        "source": {"title": "国务院办公厅关于2031年部分节假日安排的通知", "url": "https://example.invalid/"},
        "holidays": ["2031-01-01"],
        "workdays": [],
    }
    content.update(changes)
    return content


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (["2031-01-01"], "year、source"),
        (_file(extra=1), "year、source"),
        (_file(year="2031"), "year 须为年份"),
        (_file(source={"title": "国务院办公厅关于2030年部分节假日安排的通知", "url": "https://x/"}), "2031年"),
        (_file(source={"title": "国务院办公厅关于2031年部分节假日安排的通知"}), "文号"),
        (_file(source={"title": "国务院办公厅关于2031年部分节假日安排的通知", "url": "gov.cn"}), "网址"),
        (_file(holidays="2031-01-01"), "日期列表"),
        (_file(holidays=["2031-13-01"]), "无效日期"),
        (_file(holidays=["2030-12-31"]), "不属于2031年"),
        (_file(holidays=["2031-01-01", "2031-01-01"]), "重复"),
        (_file(holidays=[]), "不能为空"),
        (_file(workdays=["2031-01-01"]), "同时列为放假和上班"),
        (_file(workdays=["2031-01-06"]), "不是周末"),  # a Monday
    ],
)
def test_a_malformed_schedule_is_refused_with_the_reason(content: object, says: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_schedule(content)
    assert refused.value.code == "invalid_holiday_schedule" and says in refused.value.message


def test_a_file_round_trips() -> None:
    content = _file(workdays=["2031-01-04"])  # a Saturday
    parsed = parse_schedule(json.loads(json.dumps(content)))
    assert parse_schedule(parsed.as_json()) == parsed
    assert not parsed.is_working_day(date(2031, 1, 1)) and parsed.is_working_day(date(2031, 1, 4))
