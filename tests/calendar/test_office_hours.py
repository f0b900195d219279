"""Office hours: reminders reach people between opening and closing on working days, Beijing time."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from handlers.calendar.office_hours import OfficeHours
from store.working_calendar import ChineseWorkingCalendar

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


@pytest.fixture
def hours() -> OfficeHours:
    return OfficeHours(ChineseWorkingCalendar(), SHANGHAI, time(9, 0), time(18, 0))


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        # Monday 23 November 2026, an ordinary working day.
        (beijing(2026, 11, 23, 10, 30), beijing(2026, 11, 23, 10, 30)),
        (beijing(2026, 11, 23, 9, 0), beijing(2026, 11, 23, 9, 0)),  # opening is inside
        (beijing(2026, 11, 23, 8, 59, 59), beijing(2026, 11, 23, 9, 0)),
        (beijing(2026, 11, 23, 0, 0), beijing(2026, 11, 23, 9, 0)),
        (beijing(2026, 11, 23, 17, 59, 59), beijing(2026, 11, 23, 17, 59, 59)),
        (beijing(2026, 11, 23, 18, 0), beijing(2026, 11, 24, 9, 0)),  # closing is outside
        (beijing(2026, 11, 23, 23, 59), beijing(2026, 11, 24, 9, 0)),
        # Friday evening and the weekend wait for Monday.
        (beijing(2026, 11, 27, 18, 30), beijing(2026, 11, 30, 9, 0)),
        (beijing(2026, 11, 28, 11, 0), beijing(2026, 11, 30, 9, 0)),
        # 国庆 2025: the break runs 1–8 October; Saturday 11 October is a make-up workday.
        (beijing(2025, 9, 30, 18, 0), beijing(2025, 10, 9, 9, 0)),
        (beijing(2025, 10, 3, 10, 0), beijing(2025, 10, 9, 9, 0)),
        (beijing(2025, 10, 10, 18, 1), beijing(2025, 10, 11, 9, 0)),
        (beijing(2025, 10, 11, 14, 0), beijing(2025, 10, 11, 14, 0)),
        # Sunday 28 September 2025 is a make-up workday; Saturday 27th is not.
        (beijing(2025, 9, 27, 10, 0), beijing(2025, 9, 28, 9, 0)),
        # Spring Festival 2026: off 15–23 February, make-up Saturday 14th.
        (beijing(2026, 2, 13, 19, 0), beijing(2026, 2, 14, 9, 0)),
        (beijing(2026, 2, 14, 18, 0), beijing(2026, 2, 24, 9, 0)),
    ],
)
def test_next_office_time(hours: OfficeHours, now: datetime, expected: datetime) -> None:
    result = hours.next_office_time(now.astimezone(UTC))
    assert result == expected
    assert result.tzinfo is UTC


def test_utc_midnight_is_already_office_hours_in_beijing(hours: OfficeHours) -> None:
    # 01:30 UTC is 09:30 in Beijing, all year round: Asia/Shanghai has no daylight saving.
    # Mondays after the US and EU clock changes, midsummer, after the US change back.
    for month, day in ((3, 9), (3, 30), (7, 1), (11, 2)):
        now = datetime(2026, month, day, 1, 30, tzinfo=UTC)
        assert hours.next_office_time(now) == now
        assert hours.next_office_time(now - timedelta(minutes=31)) == datetime(2026, month, day, 1, 0, tzinfo=UTC)
        assert hours.next_office_time(datetime(2026, month, day, 10, 0, tzinfo=UTC)) == datetime(
            2026, month, day + 1, 1, 0, tzinfo=UTC
        )
    assert hours.opening(beijing(2026, 7, 1).date()) == datetime(2026, 7, 1, 1, 0, tzinfo=UTC)


def test_a_naive_time_is_refused(hours: OfficeHours) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        hours.next_office_time(datetime(2026, 11, 23, 10, 0))  # noqa: DTZ001


def test_office_hours_must_open_before_closing() -> None:
    with pytest.raises(ValueError, match="open before"):
        OfficeHours(ChineseWorkingCalendar(), SHANGHAI, time(18, 0), time(9, 0))


def test_configured_hours_move_the_boundaries() -> None:
    hours = OfficeHours(ChineseWorkingCalendar(), SHANGHAI, time(8, 30), time(17, 30))
    assert hours.next_office_time(beijing(2026, 11, 23, 8, 45)) == beijing(2026, 11, 23, 8, 45)
    assert hours.next_office_time(beijing(2026, 11, 23, 17, 30)) == beijing(2026, 11, 24, 8, 30)
    assert hours.next_office_time(beijing(2026, 11, 23, 17, 30) - timedelta(seconds=1)) < beijing(2026, 11, 24)
