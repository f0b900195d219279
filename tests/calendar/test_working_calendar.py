"""The working-day calendar against real State Council dates, and its documented fallback beyond them."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest

from store.working_calendar import CalendarOverrides, ChineseWorkingCalendar, load_overrides


@pytest.fixture
def calendar() -> ChineseWorkingCalendar:
    return ChineseWorkingCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (date(2025, 1, 26), True),  # Sunday, make-up workday for the Spring Festival
        (date(2025, 2, 8), True),  # Saturday, make-up workday
        (date(2025, 1, 28), False),  # 除夕, a Tuesday
        (date(2025, 9, 28), True),  # Sunday, make-up workday before 国庆
        (date(2025, 10, 1), False),
        (date(2025, 10, 8), False),  # Wednesday, last day of the 国庆 + 中秋 break
        (date(2025, 10, 9), True),
        (date(2025, 10, 11), True),  # Saturday, make-up workday after 国庆
        (date(2025, 10, 12), False),  # an ordinary Sunday
        (date(2026, 2, 14), True),  # Saturday, make-up workday before the 2026 Spring Festival
        (date(2026, 2, 16), False),  # Monday in the Spring Festival
        (date(2026, 2, 23), False),  # Monday, last day of the 2026 Spring Festival
        (date(2026, 2, 24), True),
        (date(2026, 2, 28), True),  # Saturday, make-up workday
        (date(2026, 11, 23), True),  # an ordinary Monday
    ],
)
def test_holidays_and_make_up_workdays(calendar: ChineseWorkingCalendar, day: date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_counting_skips_the_national_day_break_and_counts_the_make_up_saturday(
    calendar: ChineseWorkingCalendar,
) -> None:
    # Tuesday 30 September 2025 is the last working day before 国庆; 9, 10 and (Saturday) 11 October follow.
    assert calendar.add_working_days(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert calendar.add_working_days(date(2025, 9, 30), 3) == date(2025, 10, 11)
    assert calendar.add_working_days(date(2025, 9, 30), 4) == date(2025, 10, 13)
    assert calendar.working_days_between(date(2025, 9, 30), date(2025, 10, 8)) == 0
    assert calendar.working_days_between(date(2025, 9, 30), date(2025, 10, 13)) == 4


def test_adding_and_counting_agree_both_ways(calendar: ChineseWorkingCalendar) -> None:
    start = date(2026, 1, 28)
    for count in range(-15, 16):
        end = calendar.add_working_days(start, count)
        assert calendar.working_days_between(start, end) == count
        if count:
            assert calendar.is_working_day(end)
    assert calendar.add_working_days(date(2026, 2, 15), 0) == date(2026, 2, 15)
    assert calendar.add_working_days(date(2026, 2, 24), -1) == date(2026, 2, 14)


def test_the_package_covers_this_year_but_not_the_next(calendar: ChineseWorkingCalendar) -> None:
    # Documented in the README: chinese-calendar 1.11.0 ships 2004–2026.
    assert calendar.covers(2026)
    assert not calendar.covers(2027)


def test_beyond_the_data_weekdays_work_and_a_warning_is_given_once_per_year(
    caplog: pytest.LogCaptureFixture,
) -> None:
    reported: list[int] = []
    calendar = ChineseWorkingCalendar(on_uncovered_year=reported.append)
    with caplog.at_level(logging.WARNING, logger="store.working_calendar"):
        assert calendar.is_working_day(date(2026, 12, 31))  # covered: no warning
        assert reported == []
        assert calendar.is_working_day(date(2027, 1, 1))  # New Year's Day, unknown without an override
        assert not calendar.is_working_day(date(2027, 1, 2))  # Saturday
        assert calendar.add_working_days(date(2027, 1, 1), 5) == date(2027, 1, 8)
        assert calendar.is_working_day(date(2028, 3, 1))
    assert reported == [2027, 2028]
    warnings = [record for record in caplog.records if record.levelno == logging.WARNING]
    assert len(warnings) == 2
    assert "2027" in warnings[0].getMessage()


def test_overrides_supply_a_new_year_and_win_over_the_package(tmp_path: Path) -> None:
    path = tmp_path / "holidays.json"
    path.write_text('{"holidays": ["2027-01-01", "2026-11-23"], "workdays": ["2027-02-07"]}', encoding="utf-8")
    overrides = load_overrides(path).merged(CalendarOverrides.of(workdays=[date(2026, 10, 1)]))
    reported: list[int] = []
    calendar = ChineseWorkingCalendar(overrides, on_uncovered_year=reported.append)
    assert not calendar.is_working_day(date(2027, 1, 1))
    assert calendar.is_working_day(date(2027, 2, 7))  # a Sunday declared a make-up workday
    assert not calendar.is_working_day(date(2026, 11, 23))  # an operator's local holiday
    assert calendar.is_working_day(date(2026, 10, 1))
    assert calendar.add_working_days(date(2026, 12, 31), 1) == date(2027, 1, 4)
    # Still reported: the operator's list may be partial, the metric says the package needs upgrading.
    assert reported == [2027]


@pytest.mark.parametrize(
    "content",
    [
        '["2027-01-01"]',
        '{"holidays": ["2027-01-01"], "extra": []}',
        '{"holidays": "2027-01-01"}',
        '{"holidays": ["2027-13-01"]}',
        '{"holidays": ["2027-01-01"], "workdays": ["2027-01-01"]}',
    ],
)
def test_a_malformed_override_file_stops_start_up(tmp_path: Path, content: str) -> None:
    path = tmp_path / "holidays.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match=r"holiday|month|2027"):
        load_overrides(path)


def test_an_uncovered_year_is_reported_once_a_day_by_the_injected_day(caplog: pytest.LogCaptureFixture) -> None:
    today = [date(2027, 1, 4)]
    reported: list[int] = []
    calendar = ChineseWorkingCalendar(on_uncovered_year=reported.append, today=lambda: today[0])
    with caplog.at_level(logging.WARNING, logger="store.working_calendar"):
        for _ in range(3):
            assert calendar.add_working_days(date(2027, 1, 4), 3) == date(2027, 1, 7)
        today[0] = date(2027, 1, 5)
        assert calendar.is_working_day(date(2027, 1, 5))
    assert reported == [2027, 2027]
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2 and "kezhuan calendar load FILE" in warnings[0]


def test_a_loaded_schedule_covers_its_year_and_wins_over_a_shipped_one() -> None:
    from handlers.calendar.schedule import parse_schedule

    reported: list[int] = []
    calendar = ChineseWorkingCalendar(on_uncovered_year=reported.append)
    source = {"title": "国务院办公厅关于2027年部分节假日安排的通知", "url": "https://example.invalid/test-only"}
    calendar.install(
        [
            parse_schedule({"year": 2027, "source": source, "holidays": ["2027-01-01"], "workdays": []}),
            # A correction of a shipped year: 23 November 2026 declared a day off (test data).
            parse_schedule(
                {
                    "year": 2026,
                    "source": {**source, "title": "国务院办公厅关于2026年部分节假日安排的通知"},
                    "holidays": ["2026-11-23"],
                    "workdays": [],
                }
            ),
        ]
    )
    assert calendar.covers(2027) and not calendar.is_working_day(date(2027, 1, 1))
    assert not calendar.is_working_day(date(2026, 11, 23))
    assert calendar.is_working_day(date(2026, 2, 16))  # the replaced year's shipped dates no longer count
    assert reported == []
