"""Working-day arithmetic shared by every calendar: only `is_working_day` differs between them."""

from __future__ import annotations

from abc import ABC, abstractmethod
from datetime import date, timedelta

# A calendar whose overrides leave no working day in a year is misconfigured: fail loudly, never loop forever.
_MAX_GAP_DAYS = 366


class WorkingDayArithmetic(ABC):
    @abstractmethod
    def is_working_day(self, day: date) -> bool: ...

    def add_working_days(self, day: date, count: int) -> date:
        step = timedelta(days=1 if count >= 0 else -1)
        remaining = abs(count)
        current = day
        gap = 0
        while remaining:
            current += step
            if self.is_working_day(current):
                remaining -= 1
                gap = 0
            else:
                gap += 1
                if gap > _MAX_GAP_DAYS:
                    raise RuntimeError(f"no working day within {_MAX_GAP_DAYS} days of {current}")
        return current

    def working_days_between(self, start: date, end: date) -> int:
        if end < start:
            return -self.working_days_between(end, start)
        return sum(1 for offset in range(1, (end - start).days + 1) if self.is_working_day(start + timedelta(offset)))
