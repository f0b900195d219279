"""Monitoring charts: a monitor's ranking as a picture for the pages (SVG) or a message (PNG), and a weekly
report's chart behind its token (DingTalk fetches the image without our session). Drawn in a worker thread: a
chart costs tens of milliseconds of CPU."""

from __future__ import annotations

import asyncio

from aiohttp import web

from bot import charts
from cards.charts import Bars
from handlers.errors import InvalidInput
from handlers.monitoring.charts import monitor_chart
from handlers.monitoring.show_monitor import ShowMonitor, show_monitor
from handlers.monitoring.views import parse_view
from handlers.monitoring.weekly_report_chart import WeeklyReportChart, weekly_report_chart
from miniapp_api import rest
from miniapp_api.monitoring import period_of
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import operation

TYPES = {"png": "image/png", "svg": "image/svg+xml"}


async def chart(request: web.Request) -> web.Response:
    container = rest.container(request)
    wanted = request.query.get("format", "svg")
    if wanted not in TYPES:
        raise InvalidInput("图表格式应为 svg 或 png", code="invalid_query")
    cmd = ShowMonitor(rest.actor_id(request), parse_view(request.match_info["view"]), period_of(request))
    found = await show_monitor(cmd, container.uow(), container.demand_policy.zone, request.app[REGIONS])
    return await _drawn(request, monitor_chart(found, request.query.get("measure", "points")), wanted)


async def report_chart(request: web.Request) -> web.Response:
    container = rest.container(request)
    cmd = WeeklyReportChart(request.match_info["token"])
    bars = await weekly_report_chart(cmd, container.uow, container.demand_policy.zone, request.app[REGIONS])
    return await _drawn(request, bars, "png")


async def _drawn(request: web.Request, bars: Bars, wanted: str) -> web.Response:
    font = rest.container(request).settings.chart_font
    draw = charts.png if wanted == "png" else charts.svg
    body = await asyncio.get_running_loop().run_in_executor(None, draw, bars, font)
    return web.Response(body=body, headers={"Content-Type": TYPES[wanted], "Cache-Control": "private, max-age=300"})


_IMAGE = {"type": "string", "format": "binary"}
ROUTES = [
    rest.route(
        "GET",
        "/monitoring/{view}/chart",
        chart,
        operation(
            "A monitor's ranking as a bar chart (one bar per unit, the top 15, zeros included): `measure` is one of "
            "the monitor's figures (default points) or `score` (the indicators' total); `format` svg (default) or png",
            ("200", _IMAGE),
            errors={
                "422": "invalid_period / invalid_view / invalid_measure / invalid_query",
                "503": "chart_font_missing",
            },
            content_type="image/svg+xml",
        ),
    ),
    rest.route(
        "GET",
        "/weekly-reports/{token}/chart.png",
        report_chart,
        operation(
            "A weekly monitoring report's chart (no bearer token: the report's token is the right to it), its "
            "recipient's scope ranked by points, for 35 days",
            ("200", _IMAGE),
            errors={"404": "report_expired", "503": "chart_font_missing"},
            content_type="image/png",
        ),
        access=rest.Access.PUBLIC,
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
