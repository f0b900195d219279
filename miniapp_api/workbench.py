"""The workbench home's counts for the signed-in person (one call, so the home needs few requests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from handlers.workbench.get_workbench import GetWorkbench, Workbench, get_workbench
from miniapp_api import rest
from miniapp_api.schemas import operation, schema_of

if TYPE_CHECKING:
    from bot.bootstrap import Container


async def counts_of(container: Container, account_id: int) -> Workbench:
    return await get_workbench(
        GetWorkbench(account_id), container.uow(), container.follow_up_policy, container.office_hours
    )


async def workbench(request: web.Request) -> web.Response:
    return rest.json(await counts_of(rest.container(request), rest.actor_id(request)))


ROUTES = [
    rest.Route(
        "GET",
        "/workbench",
        workbench,
        operation(
            "The caller's workbench counts: reviews waiting (and overdue), follow-ups due on the demands they dock, "
            "demands in docking they see, their points; a count that does not apply to their roles is null",
            ("200", schema_of(Workbench)),
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
