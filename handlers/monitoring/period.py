"""The range of local business days a monitor covers, and its bounds in UTC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from handlers.errors import InvalidInput

MAX_DAYS = 366 * 3  # a three-year comparison is the longest a bureau asks for


@dataclass(frozen=True)
class Window:
    """A period as UTC bounds [start, after) and its last local day (for as-of states such as overdue)."""

    start: datetime
    after: datetime
    last_day: date
    # Reviews overdue on the last day, folded from their clocks (handlers/monitoring/as_of.py); filled in only
    # where a monitor shows them.
    overdue_reviews: frozenset[int] = frozenset()


@dataclass(frozen=True)
class Period:
    start: date  # first day, inclusive
    end: date  # last day, inclusive

    def checked(self) -> Period:
        if self.end < self.start:
            raise InvalidInput("结束日期不能早于开始日期", code="invalid_period")
        if (self.end - self.start).days + 1 > MAX_DAYS:
            raise InvalidInput(f"统计区间最长{MAX_DAYS}天", code="invalid_period")
        return self

    def window(self, zone: tzinfo) -> Window:
        """[start of the first day, start of the day after the last) in UTC."""
        first = datetime.combine(self.start, time(), zone).astimezone(UTC)
        after = datetime.combine(self.end + timedelta(days=1), time(), zone).astimezone(UTC)
        return Window(first, after, self.end)


def parse_day(value: str | None, name: str) -> date:
    """A query parameter `YYYY-MM-DD` (Chinese errors name the parameter as people see it)."""
    label = {"from": "开始日期", "to": "结束日期"}.get(name, name)
    if not value:
        raise InvalidInput(f"请填写{label}（格式 YYYY-MM-DD）", code="invalid_period", field=name)
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{label}格式应为 YYYY-MM-DD", code="invalid_period", field=name) from None
