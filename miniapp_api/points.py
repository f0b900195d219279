"""Contribution points: my points with the entries behind them; totals ranked by staff, centre or
institution within the caller's scope."""

from __future__ import annotations

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.points.get_my_points import GetMyPoints, MyPoints, get_my_points
from handlers.points.rank_points import PointsTotal, RankBy, RankPoints, rank_points
from miniapp_api import rest
from miniapp_api.schemas import operation, page_of, schema_of


async def my_points(request: web.Request) -> web.Response:
    cmd = GetMyPoints(rest.actor_id(request), rest.page_request(request))
    return rest.json(await get_my_points(cmd, rest.container(request).uow()))


async def ranking(request: web.Request) -> web.Response:
    by = request.query.get("by", RankBy.STAFF.value)
    if by not in {b.value for b in RankBy}:
        raise InvalidInput("排名方式应为 staff、centre 或 institution", code="invalid_query")
    cmd = RankPoints(rest.actor_id(request), RankBy(by), rest.page_request(request))
    return rest.page_json(await rank_points(cmd, rest.container(request).uow()))


_BY = {
    "name": "by",
    "in": "query",
    "required": False,
    "description": "group totals by",
    "schema": {"type": "string", "enum": [b.value for b in RankBy], "default": RankBy.STAFF.value},
}
_RANKING = operation(
    "Points totals per staff member, centre or institution, highest first, over the entries in the caller's "
    "scope (staff: their own; centre admin: the centre; institution admin: the institution; official: the "
    "region's centres)",
    ("200", page_of(PointsTotal)),
    paged=True,
    errors={"422": "invalid_query / invalid_page"},
)
_RANKING["parameters"].append(_BY)

ROUTES = [
    rest.route(
        "GET",
        "/points/me",
        my_points,
        operation(
            "The caller's contribution points and the ledger entries that explain them (staff only)",
            ("200", schema_of(MyPoints)),
            paged=True,
            errors={"422": "invalid_page"},
        ),
    ),
    rest.route("GET", "/points/ranking", ranking, _RANKING),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
