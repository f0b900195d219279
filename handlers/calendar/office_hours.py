"""Office hours on working days: reminders wait for them instead of reaching people at night or on holidays."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from handlers.calendar.ports import WorkingCalendar


@dataclass(frozen=True)
class OfficeHours:
    """Open from `opens` (inclusive) to `closes` (exclusive), local time in `timezone`, on working days."""

    calendar: WorkingCalendar
    timezone: ZoneInfo
    opens: time = time(9, 0)
    closes: time = time(18, 0)

    def __post_init__(self) -> None:
        if self.opens.tzinfo is not None or self.closes.tzinfo is not None:
            raise ValueError("office hours are local wall-clock times without a timezone")
        if not self.opens < self.closes:
            raise ValueError("office hours must open before they close on the same day")

    def local_date(self, moment: datetime) -> date:
        return moment.astimezone(self.timezone).date()

    def opening(self, day: date) -> datetime:
        """The opening moment of `day`, in UTC (whether or not `day` is a working day)."""
        return datetime.combine(day, self.opens, tzinfo=self.timezone).astimezone(UTC)

    def is_open(self, now: datetime) -> bool:
        local = now.astimezone(self.timezone)
        return self.calendar.is_working_day(local.date()) and self.opens <= local.time() < self.closes

    def next_office_time(self, now: datetime) -> datetime:
        """`now` when the office is open, else the next opening on a working day (UTC)."""
        if now.tzinfo is None:
            raise ValueError("now must be timezone-aware")
        if self.is_open(now):
            return now
        local = now.astimezone(self.timezone)
        today = local.date()
        if self.calendar.is_working_day(today) and local.time() < self.opens:
            return self.opening(today)
        return self.opening(self.calendar.add_working_days(today, 1))
