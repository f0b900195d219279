"""The workbench home's counts for the signed-in person (one call, so the home needs few requests)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from bot.dingtalk.wiring import dingtalk_settings
from cards.workbench_component import ComponentData, component_data
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


async def workbench_component(request: web.Request) -> web.Response:
    """The same counts in the DingTalk workbench component's shape, its links into the workbench pages."""
    container = rest.container(request)
    counts = await counts_of(container, rest.actor_id(request))
    data = component_data(
        workbench_page(container),
        container.clock.now(),
        pending_reviews=counts.pending_reviews,
        overdue_reviews=counts.overdue_reviews,
        follow_ups_due=counts.follow_ups_due,
        points=counts.points,
    )
    return rest.json(data)


def workbench_page(container: Container) -> str:
    """The workbench micro-app's page: the configured DingTalk one, else the pages this service hosts."""
    dingtalk = dingtalk_settings(container.settings)
    if dingtalk is not None and dingtalk.workbench_page_url:
        return dingtalk.workbench_page_url
    return f"{container.settings.base_url}/m/workbench/"


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
    rest.Route(
        "GET",
        "/workbench/component",
        workbench_component,
        operation(
            "The caller's live counts for the DingTalk workbench component (webapp/dingtalk-workbench-component): "
            "reviews waiting (and overdue), follow-ups due, points; items that do not apply to the caller's roles "
            "are left out; each links to its workbench page. Signed in as the pages are (DingTalk 免登 → session)",
            ("200", schema_of(ComponentData)),
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
