"""The working-day calendar port: which dates are working days in mainland China.

Weekends are normally off, statutory holidays are off, and make-up workdays (调休) are Saturdays or Sundays
that are working days. The adapter (store/working_calendar.py) knows the State Council notices.
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class WorkingCalendar(Protocol):
    def is_working_day(self, day: date) -> bool: ...

    def add_working_days(self, day: date, count: int) -> date:
        """The `count`-th working day after `day` (before it when negative); `day` itself when 0."""
        ...

    def working_days_between(self, start: date, end: date) -> int:
        """Working days d with start < d <= end; negative when end is before start."""
        ...
