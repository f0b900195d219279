"""Performance monitoring (seed 004 §八): the monitors for a period of local days, the rows behind a figure, and
each monitor as an Excel file with Chinese headers, written row by row and streamed from a temporary file."""

from __future__ import annotations

import asyncio
import tempfile
from collections.abc import AsyncIterator
from datetime import tzinfo
from decimal import Decimal
from typing import IO, Any
from urllib.parse import quote

from aiohttp import web
from openpyxl import Workbook

from handlers.errors import InvalidInput
from handlers.monitoring.drill_down import DrillDown, FactRow, drill_down
from handlers.monitoring.export_facts import export_facts
from handlers.monitoring.facts import LABELS
from handlers.monitoring.period import Period, parse_day
from handlers.monitoring.show_monitor import Monitor, ShowMonitor, show_monitor
from handlers.monitoring.views import parse_measure, parse_view
from miniapp_api import rest
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import operation, page_of, schema_of

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_CHUNK = 64 * 1024
_ROWS_PER_BATCH = 2000  # as many as the database sends at a time (handlers/monitoring/export_facts.py)
# What a drill-down row is, in the Excel file.
ROW_LABELS = {
    "demand": "需求",
    "project": "项目",
    "follow_up": "跟进记录",
    "point_entry": "积分明细",
    "review": "审核",
    "staff_member": "技转人员",
    "expert": "专家",
    "centre": "地方转移中心",
}


def period_of(request: web.Request) -> Period:
    return Period(parse_day(request.query.get("from"), "from"), parse_day(request.query.get("to"), "to"))


def _format(request: web.Request) -> str:
    wanted = request.query.get("format", "json")
    if wanted not in ("json", "xlsx"):
        raise InvalidInput("导出格式应为 json 或 xlsx", code="invalid_query")
    return wanted


async def monitor(request: web.Request) -> web.StreamResponse:
    container = rest.container(request)
    wanted = _format(request)
    cmd = ShowMonitor(rest.actor_id(request), parse_view(request.match_info["view"]), period_of(request))
    found = await show_monitor(cmd, container.uow(), container.demand_policy.zone, request.app[REGIONS])
    if wanted == "json":
        return rest.json(found)
    name = f"{found.title}_{found.start.isoformat()}_{found.end.isoformat()}.xlsx"
    head = [f"{found.title}（{found.start.isoformat()} 至 {found.end.isoformat()}）"]
    return await _send_xlsx(request, found.title, name, [head], _listed(_sheet_rows(found)))


async def facts(request: web.Request) -> web.StreamResponse:
    container = rest.container(request)
    view = parse_view(request.match_info["view"])
    wanted = _format(request)
    measure = parse_measure(view, request.match_info["measure"])
    unit, period = rest.path_id(request, "unit_id"), period_of(request)
    zone = container.demand_policy.zone
    if wanted == "json":
        cmd = DrillDown(rest.actor_id(request), view, unit, measure, period, rest.page_request(request))
        return rest.page_json(await drill_down(cmd, container.uow(), zone))
    cmd = DrillDown(rest.actor_id(request), view, unit, measure, period)
    title = f"{LABELS[measure]}明细"
    head = [f"{title}（{period.start.isoformat()} 至 {period.end.isoformat()}）"]

    name = f"{title}_{unit}_{period.start.isoformat()}_{period.end.isoformat()}.xlsx"
    rows = fact_lines(export_facts(cmd, container.uow(), zone), zone)
    return await _send_xlsx(request, title, name, [head, FACT_COLUMNS], rows)


FACT_COLUMNS = ["类型", "编号", "标识", "名称", "时间", "计数", "计为"]


async def fact_lines(found: AsyncIterator[FactRow], zone: tzinfo) -> AsyncIterator[list[Any]]:
    async for r in found:
        when = r.at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
        yield [ROW_LABELS.get(r.kind, r.kind), r.id, r.code, r.title, when, r.value, r.counted_as]


def _sheet_rows(found: Monitor) -> list[list[Any]]:
    parent = {"institutions": "所在地区", "centres": "所属机构", "staff": "所属中心", "overview": "上级地区"}
    # Each indicator in force adds its score (named with its version, as the page does), then the total.
    scored = [f"{i.name}（v{i.version}）得分" for i in found.indicators] + (["综合得分"] if found.indicators else [])
    head = ["名称", parent[found.view.value], "地区代码", *(c.label for c in found.columns), *scored]
    rows: list[list[Any]] = [head]
    rows.extend(
        [
            r.name,
            r.parent,
            r.region_code,
            *(r.figures[c.key] for c in found.columns),
            *(Decimal(r.scores[key]) for key in [*(i.key for i in found.indicators), "total"] if found.indicators),
        ]
        for r in found.rows
    )
    return rows


async def _listed(rows: list[list[Any]]) -> AsyncIterator[list[Any]]:
    for row in rows:
        yield row


async def write_xlsx(out: IO[bytes], title: str, head: list[list[Any]], rows: AsyncIterator[list[Any]]) -> int:
    """openpyxl's write-only workbook keeps one row at a time (the rest goes to its temporary XML); returns the
    file's size. The rows are appended and the file saved in a worker thread, a batch at a time while the next
    batch is read, so a 200,000-row export leaves the event loop free (one batch in memory, one being written).
    bench/monitoring.py measures this very function."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    writing = asyncio.ensure_future(asyncio.to_thread(_append, sheet, head))
    try:
        batch: list[list[Any]] = []
        async for row in rows:
            batch.append(row)
            if len(batch) == _ROWS_PER_BATCH:
                await writing  # the sheet is appended to by one thread at a time, in order
                writing = asyncio.ensure_future(asyncio.to_thread(_append, sheet, batch))
                batch = []
        await writing
        await asyncio.to_thread(_append, sheet, batch)
        await asyncio.to_thread(book.save, out)
    finally:
        if not writing.done():  # the rows failed (a refusal, a lost connection): let the thread finish first
            await asyncio.wait([writing])
        if not writing.cancelled():
            writing.exception()  # seen: the error that propagates is the rows'
    return out.tell()


def _append(sheet: Any, rows: list[list[Any]]) -> None:
    for row in rows:
        sheet.append(row)


async def _send_xlsx(
    request: web.Request, title: str, name: str, head: list[list[Any]], rows: AsyncIterator[list[Any]]
) -> web.StreamResponse:
    """The finished file is sent in chunks. Nothing is sent before the last row is written, so a refusal is still
    an error answer."""
    with tempfile.TemporaryFile() as out:
        size = await write_xlsx(out, title, head, rows)
        out.seek(0)
        response = web.StreamResponse(
            headers={
                "Content-Type": XLSX,
                "Content-Length": str(size),
                "Content-Disposition": f'attachment; filename="{rest.ascii_filename(name)}"; '
                f"filename*=UTF-8''{quote(name, safe='')}",
                "Cache-Control": "private, no-store",
            }
        )
        await response.prepare(request)
        while chunk := out.read(_CHUNK):
            await response.write(chunk)
        await response.write_eof()
        return response


_PERIOD_PARAMS = [
    {
        "name": "from",
        "in": "query",
        "required": True,
        "description": "first local day (Asia/Shanghai), YYYY-MM-DD",
        "schema": {"type": "string", "format": "date"},
    },
    {
        "name": "to",
        "in": "query",
        "required": True,
        "description": "last local day, inclusive",
        "schema": {"type": "string", "format": "date"},
    },
]
_FORMAT = {
    "name": "format",
    "in": "query",
    "required": False,
    "description": "json (default) or xlsx: the same figures as an Excel file with Chinese headers",
    "schema": {"type": "string", "enum": ["json", "xlsx"], "default": "json"},
}
_MONITOR_SCHEMA = schema_of(Monitor)
_MONITOR_SCHEMA["properties"]["rows"]["items"]["properties"]["figures"] = {
    "type": "object",
    "additionalProperties": {"type": "integer"},
}
for _name in ("values", "scores"):  # per indicator key (scores also "total"), decimal strings
    _MONITOR_SCHEMA["properties"]["rows"]["items"]["properties"][_name] = {
        "type": "object",
        "additionalProperties": {"type": "string", "pattern": r"^-?\d+\.\d{2}$"},
    }

ROUTES = [
    rest.route(
        "GET",
        "/monitoring/{view}",
        monitor,
        operation(
            "A performance monitor for a period: institutions (experts, staff, demands docked, deals, points, "
            "enterprises visited, reviews decided and overdue), centres, staff or the region overview (province → "
            "city → district); every unit in the caller's scope is listed, zeros included (officials: their "
            "region by code prefix; institution admins: their institution; the overview is for officials)",
            ("200", _MONITOR_SCHEMA),
            errors={"422": "invalid_period / invalid_view / invalid_query"},
            parameters=[*_PERIOD_PARAMS, _FORMAT],
        ),
    ),
    rest.route(
        "GET",
        "/monitoring/{view}/{unit_id}/{measure}",
        facts,
        operation(
            "The rows behind one figure of a monitor (demands, projects, follow-ups, point entries, reviews…), "
            "newest first; a unit outside the caller's scope reads as missing",
            ("200", page_of(FactRow)),
            paged=True,
            errors={"404": "not_found", "422": "invalid_period / invalid_view / invalid_measure / invalid_page"},
            parameters=[*_PERIOD_PARAMS, _FORMAT],
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
