"""Monitoring indicators as data: those in force for the caller (optionally as of a day), and declaring one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.indicators.declare import DeclareIndicator, declare_indicator
from handlers.indicators.form import INDICATOR
from handlers.indicators.list_indicators import Indicators, ListIndicators, list_indicators
from handlers.indicators.views import IndicatorView
from miniapp_api import rest
from miniapp_api.body import form
from miniapp_api.schemas import operation, schema_of


def as_of(request: web.Request) -> datetime | None:
    """`as_of=YYYY-MM-DD`: the end of that day in local time (what was in force when the day was over)."""
    raw = request.query.get("as_of")
    if raw is None:
        return None
    try:
        day = date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("日期应为 YYYY-MM-DD", field="as_of", code="invalid_query") from None
    # Nothing was declared before the platform existed, and the end of 9999-12-31 is past what a datetime holds.
    if not EARLIEST <= day <= LATEST:
        raise InvalidInput(f"日期应在{EARLIEST.year}年至{LATEST.year}年之间", field="as_of", code="invalid_query")
    zone = ZoneInfo(rest.container(request).settings.timezone)
    return (datetime.combine(day + timedelta(days=1), time(), zone) - timedelta(microseconds=1)).astimezone(UTC)


EARLIEST, LATEST = date(2000, 1, 1), date(2099, 12, 31)


async def indicators(request: web.Request) -> web.Response:
    cmd = ListIndicators(rest.actor_id(request), as_of(request))
    return rest.json(await list_indicators(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewIndicator:
    owner: str
    key: str
    name: str
    formula: str
    weight: int
    per_100_staff: bool = False


async def new_indicator(request: web.Request, body: NewIndicator) -> web.Response:
    cmd = DeclareIndicator(
        rest.actor_id(request), body.owner, body.key, body.name, body.formula, body.weight, body.per_100_staff
    )
    return rest.json(await declare_indicator(cmd, rest.container(request).uow()), status=201)


_AS_OF = {
    "name": "as_of",
    "in": "query",
    "required": False,
    "description": "the indicators in force at the end of this day (Asia/Shanghai); now when absent",
    "schema": {"type": "string", "format": "date"},
}
_LIST = operation(
    "The indicators in force for the caller's monitors (platform, the regions above and at the caller's, the "
    "caller's institution; the narrower owner's wins a shared key) and the base measures a formula may name",
    ("200", schema_of(Indicators)),
    errors={"422": "invalid_query"},
)
_LIST["parameters"] = [*_LIST.get("parameters", []), _AS_OF]

ROUTES = [
    rest.route("GET", "/indicators", indicators, _LIST),
    rest.route(
        "POST",
        "/indicators",
        new_indicator,
        operation(
            "Declare an indicator or its next version (platform: system admin; region: an official of that "
            "region; institution: its admin), in force from now",
            ("201", schema_of(IndicatorView)),
            errors={"422": "missing_field / invalid_formula / unknown_measure / invalid_key", "403": "forbidden"},
        ),
        body=form(INDICATOR, NewIndicator),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
