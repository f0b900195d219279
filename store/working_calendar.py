"""The mainland-China working-day calendar: the State Council holiday schedules, per year, plus overrides.

The schedules come from the files shipped in handlers/calendar/data (2004–2026, generated from chinese-calendar
and checked against it) and from the database, where a system admin loads a new year's notice (`kezhuan calendar
load FILE`); a loaded year wins over a shipped one. For a year with neither, the calendar counts Monday–Friday
plus the operator's overrides and says so once a day (a log warning and the `on_uncovered_year` hook, a metric in
production) — it never fails a request or a job. Overrides win over every schedule.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.calendar.days import WorkingDayArithmetic
from handlers.calendar.schedule import HolidaySchedule, bundled_schedules, parse_schedule
from store.models.calendar import HolidayScheduleRecord

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")


@cache
def shipped_schedules() -> Mapping[int, HolidaySchedule]:
    return dict(bundled_schedules())


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
        today: Callable[[], date] | None = None,
        schedules: Mapping[int, HolidaySchedule] | None = None,
    ) -> None:
        self._overrides = overrides or CalendarOverrides()
        self._on_uncovered_year = on_uncovered_year
        # "Once a day" is the business day of the injected clock (the system clock's in Beijing by default).
        self._today = today or (lambda: datetime.now(SHANGHAI).date())
        self._shipped = shipped_schedules() if schedules is None else dict(schedules)
        self._loaded: dict[int, HolidaySchedule] = {}
        self._alerted: set[tuple[int, date]] = set()

    def covers(self, year: int) -> bool:
        """Whether a State Council schedule for `year` is known (shipped or loaded)."""
        return year in self._loaded or year in self._shipped

    def schedule_for(self, year: int) -> HolidaySchedule | None:
        return self._loaded.get(year) or self._shipped.get(year)

    def install(self, schedules: Iterable[HolidaySchedule]) -> None:
        """Replace the loaded schedules (what the database holds)."""
        self._loaded = {schedule.year: schedule for schedule in schedules}

    async def refresh(self, sessionmaker: async_sessionmaker[AsyncSession]) -> bool:
        """Read the loaded schedules again; on any trouble keep the previous ones (never fail the caller)."""
        try:
            async with sessionmaker() as session:
                rows = (await session.scalars(select(HolidayScheduleRecord))).all()
        except Exception:
            log.exception("could not read the loaded holiday schedules; keeping the previous ones")
            return False
        schedules = []
        for row in rows:
            try:
                schedules.append(parse_schedule(row.content))
            except Exception:
                log.exception("a stored holiday schedule does not parse; ignored", extra={"year": row.year})
        self.install(schedules)
        return True

    def is_working_day(self, day: date) -> bool:
        if day in self._overrides.workdays:
            return True
        if day in self._overrides.holidays:
            return False
        schedule = self.schedule_for(day.year)
        if schedule is not None:
            return schedule.is_working_day(day)
        self._uncovered(day.year)
        return day.weekday() < 5

    def _uncovered(self, year: int) -> None:
        key = (year, self._today())
        if key in self._alerted:
            return
        self._alerted.add(key)
        log.warning(
            "no State Council holiday schedule for %d: counting Monday-Friday plus %d override date(s); load the "
            "year's notice with `kezhuan calendar load FILE` (or POST /api/v1/calendar/holiday-schedules)",
            year,
            self._overrides.in_year(year),
        )
        if self._on_uncovered_year is not None:
            self._on_uncovered_year(year)
