"""A year's holiday schedule: the days off and make-up workdays (调休) one State Council notice declares.

The notice for a year (国务院办公厅关于YYYY年部分节假日安排的通知) appears in November or December of the year
before. The years we ship are files in `handlers/calendar/data/<year>.json`; a system admin loads a new year's
file (`kezhuan calendar load FILE`, or POST /api/v1/calendar/holiday-schedules) into the database, where every
instance reads it. A year with no schedule counts Monday to Friday and raises an alert.

File format::

    {"year": 2026,
     "source": {"title": "国务院办公厅关于2026年部分节假日安排的通知", "number": "国办发明电〔2025〕…号",
                "published": "2025-11-04", "url": "https://…"},
     "holidays": ["2026-01-01", …],   # days off, weekend days inside a break included
     "workdays": ["2026-01-04", …]}   # make-up workdays: Saturdays or Sundays that are working days
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from handlers.errors import InvalidInput

DATA_DIR = Path(__file__).parent / "data"
_SOURCE_KEYS = {"title", "number", "published", "url", "via"}


@dataclass(frozen=True)
class ScheduleSource:
    title: str
    number: str | None = None
    published: date | None = None
    url: str | None = None
    # Where the dates were transcribed from when not from the notice's text itself (the years we generated).
    via: str | None = None

    def as_json(self) -> dict[str, str | None]:
        return {
            "title": self.title,
            "number": self.number,
            "published": self.published.isoformat() if self.published else None,
            "url": self.url,
            "via": self.via,
        }


@dataclass(frozen=True)
class HolidaySchedule:
    year: int
    source: ScheduleSource
    holidays: frozenset[date]
    workdays: frozenset[date]

    def as_json(self) -> dict[str, Any]:
        return {
            "year": self.year,
            "source": self.source.as_json(),
            "holidays": [d.isoformat() for d in sorted(self.holidays)],
            "workdays": [d.isoformat() for d in sorted(self.workdays)],
        }

    @property
    def digest(self) -> str:
        """SHA-256 of the canonical JSON: what the audit chain records for a loaded schedule."""
        canonical = json.dumps(self.as_json(), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5


def _bad(message: str) -> InvalidInput:
    return InvalidInput(f"节假日安排文件有误：{message}", code="invalid_holiday_schedule")


def _dates(data: dict[str, Any], key: str, year: int) -> frozenset[date]:
    values = data.get(key, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise _bad(f"{key} 须为 YYYY-MM-DD 日期列表")
    try:
        days = frozenset(date.fromisoformat(v) for v in values)
    except ValueError as exc:
        raise _bad(f"{key} 含有无效日期（{exc}）") from exc
    if len(days) != len(values):
        raise _bad(f"{key} 含有重复日期")
    outside = sorted(d for d in days if d.year != year)
    if outside:
        raise _bad(f"{key} 含有不属于{year}年的日期 {outside[0].isoformat()}")
    return days


def parse_schedule(data: object, *, require_reference: bool = True) -> HolidaySchedule:
    """Validate a schedule file's content; `require_reference` asks for the notice's number or URL (always for
    an admin's load; the generated years name the package they were transcribed from instead)."""
    if not isinstance(data, dict) or set(data) - {"year", "source", "holidays", "workdays"}:
        raise _bad("须为含 year、source、holidays、workdays 的对象")
    year = data.get("year")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        raise _bad("year 须为年份")
    source = data.get("source")
    if not isinstance(source, dict) or set(source) - _SOURCE_KEYS:
        raise _bad("source 须为含 title、number、published、url 的对象")
    if not all(v is None or isinstance(v, str) for v in source.values()):
        raise _bad("source 的各项须为文字")
    title = (source.get("title") or "").strip()
    if str(year) not in title:
        raise _bad(f"source.title 须为{year}年的国务院办公厅通知标题")
    number, url = source.get("number") or None, source.get("url") or None
    if require_reference and not (number or url):
        raise _bad("source 须注明通知文号（number）或原文链接（url）")
    if url is not None and not url.startswith(("https://", "http://")):
        raise _bad("source.url 须为网址")
    try:
        published = date.fromisoformat(source["published"]) if source.get("published") else None
    except ValueError as exc:
        raise _bad("source.published 须为 YYYY-MM-DD 日期") from exc
    holidays, workdays = _dates(data, "holidays", year), _dates(data, "workdays", year)
    both = sorted(holidays & workdays)
    if both:
        raise _bad(f"{both[0].isoformat()} 同时列为放假和上班")
    weekday = sorted(d for d in workdays if d.weekday() < 5)
    if weekday:
        raise _bad(f"调休上班日 {weekday[0].isoformat()} 不是周末")
    if not holidays:
        raise _bad("holidays 不能为空")
    return HolidaySchedule(
        year, ScheduleSource(title, number, published, url, source.get("via") or None), holidays, workdays
    )


def bundled_schedules() -> dict[int, HolidaySchedule]:
    """The years shipped in handlers/calendar/data; a broken file stops start-up (it is ours to fix)."""
    schedules: dict[int, HolidaySchedule] = {}
    for path in sorted(DATA_DIR.glob("*.json")):
        schedule = parse_schedule(json.loads(path.read_text(encoding="utf-8")), require_reference=False)
        if path.stem != str(schedule.year):
            raise ValueError(f"{path}: holds the year {schedule.year}")
        schedules[schedule.year] = schedule
    return schedules
