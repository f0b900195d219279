"""The mainland-China working-day calendar: the `chinese-calendar` package's State Council data plus overrides.

The package only knows the years it ships (2004–2026 in 1.11.0); the notice for a new year appears in
November or December. For a year it does not know, the calendar falls back to Monday–Friday plus the
operator's overrides, and says so once per year (log warning and the `on_uncovered_year` hook, a metric in
production) instead of guessing silently. Overrides win over the package data in every year.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import chinese_calendar

from handlers.calendar.days import WorkingDayArithmetic

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class CalendarOverrides:
    """Extra holidays and make-up workdays an operator declares (a new year's notice, a local holiday)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        both = self.holidays & self.workdays
        if both:
            raise ValueError(f"calendar overrides list dates as both holiday and workday: {sorted(both)}")

    @classmethod
    def of(cls, holidays: Iterable[date] = (), workdays: Iterable[date] = ()) -> CalendarOverrides:
        return cls(frozenset(holidays), frozenset(workdays))

    def merged(self, other: CalendarOverrides) -> CalendarOverrides:
        return CalendarOverrides(self.holidays | other.holidays, self.workdays | other.workdays)

    def in_year(self, year: int) -> int:
        return sum(1 for day in self.holidays | self.workdays if day.year == year)


def load_overrides(path: Path) -> CalendarOverrides:
    """Read `{"holidays": ["2027-01-01", …], "workdays": ["2027-02-07", …]}`; a bad file stops start-up."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or set(data) - {"holidays", "workdays"}:
        raise ValueError(f"{path}: expected an object with the keys 'holidays' and 'workdays' only")

    def dates(key: str) -> frozenset[date]:
        values = data.get(key, [])
        if not isinstance(values, list) or not all(isinstance(value, str) for value in values):
            raise ValueError(f"{path}: '{key}' must be a list of YYYY-MM-DD dates")
        try:
            return frozenset(date.fromisoformat(value) for value in values)
        except ValueError as exc:
            raise ValueError(f"{path}: '{key}': {exc}") from exc

    try:
        return CalendarOverrides(dates("holidays"), dates("workdays"))
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from exc


class ChineseWorkingCalendar(WorkingDayArithmetic):
    def __init__(
        self,
        overrides: CalendarOverrides | None = None,
        *,
        on_uncovered_year: Callable[[int], None] | None = None,
    ) -> None:
        self._overrides = overrides or CalendarOverrides()
        self._on_uncovered_year = on_uncovered_year
        self._warned: set[int] = set()

    def covers(self, year: int) -> bool:
        """Whether the package has the State Council data for `year`."""
        try:
            chinese_calendar.is_workday(date(year, 1, 1))
        except NotImplementedError:
            return False
        return True

    def is_working_day(self, day: date) -> bool:
        if day in self._overrides.workdays:
            return True
        if day in self._overrides.holidays:
            return False
        try:
            return bool(chinese_calendar.is_workday(day))
        except NotImplementedError:
            self._uncovered(day.year)
            return day.weekday() < 5

    def _uncovered(self, year: int) -> None:
        if year in self._warned:
            return
        self._warned.add(year)
        log.warning(
            "no State Council holiday data for %d in chinese-calendar %s: using Monday-Friday plus %d override "
            "date(s) (KEZHUAN_CALENDAR__OVERRIDES_PATH); upgrade the package or add the year's holidays",
            year, chinese_calendar.__version__, self._overrides.in_year(year),
        )
        if self._on_uncovered_year is not None:
            self._on_uncovered_year(year)
