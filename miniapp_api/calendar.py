"""The working-day calendar: the system admin loads a year's State Council holiday schedule."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.calendar.load_holiday_schedule import HolidayScheduleLoaded, LoadHolidaySchedule, load_holiday_schedule
from miniapp_api import rest
from miniapp_api.body import Document, JsonBody
from miniapp_api.schemas import INT, STR, obj, operation, schema_of


async def new_holiday_schedule(request: web.Request, body: dict[str, Any]) -> web.Response:
    container = rest.container(request)
    loaded = await load_holiday_schedule(LoadHolidaySchedule(body, rest.actor_id(request)), container.uow())
    await container.calendar.refresh(container.sessionmaker)  # this instance at once; the others on their refresh
    return rest.json(loaded, status=201)


_DATES = {"type": "array", "items": {"type": "string", "format": "date"}}
_SCHEDULE = obj(
    ["year", "source", "holidays", "workdays"],
    year=INT,
    source=obj(
        ["title"],
        title={"type": "string", "description": "国务院办公厅关于YYYY年部分节假日安排的通知"},
        number={"type": "string", "description": "文号, e.g. 国办发明电〔2024〕12号 (number or url required)"},
        published={"type": "string", "format": "date"},
        url=STR,
    ),
    holidays={**_DATES, "description": "days off, weekend days inside a break included"},
    workdays={**_DATES, "description": "make-up workdays (调休上班): Saturdays or Sundays"},
)

ROUTES = [
    rest.route(
        "POST",
        "/calendar/holiday-schedules",
        new_holiday_schedule,
        operation(
            "The system admin loads (or replaces) a year's holiday schedule for every instance; audited",
            ("201", schema_of(HolidayScheduleLoaded)),
            errors={"422": "invalid_holiday_schedule (the message says what is wrong)"},
        ),
        body=JsonBody(Document(_SCHEDULE)),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
