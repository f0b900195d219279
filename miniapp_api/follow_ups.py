"""Follow-ups on a demand in docking, and the centre admin's change of the docking staff member."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from aiohttp import web

from handlers.follow_ups.add_follow_up import AddDemandFollowUp, DemandFollowUpAdded, add_demand_follow_up
from handlers.follow_ups.change_docking_staff import ChangeDockingStaff, DockingStaffChanged, change_docking_staff
from handlers.follow_ups.form import FOLLOW_UP
from handlers.follow_ups.list_follow_ups import DemandFollowUpView, ListDemandFollowUps, list_demand_follow_ups
from miniapp_api import rest
from miniapp_api.body import Integer, fields, form
from miniapp_api.demands import policy
from miniapp_api.schemas import obj, operation, schema_of


@dataclass(frozen=True)
class NewFollowUp:
    """The follow-up form (handlers.follow_ups.form)."""

    kind: str
    occurred_at: datetime
    content: str
    attachment_ids: tuple[int, ...]


async def new_follow_up(request: web.Request, body: NewFollowUp) -> web.Response:
    cmd = AddDemandFollowUp(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        body.kind,
        body.occurred_at,
        body.content,
        body.attachment_ids,
    )
    return rest.json(await add_demand_follow_up(cmd, rest.container(request).uow()), status=201)


async def follow_ups(request: web.Request) -> web.Response:
    cmd = ListDemandFollowUps(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json({"items": rest.plain(await list_demand_follow_ups(cmd, rest.container(request).uow()))})


@dataclass(frozen=True)
class NewDockingStaff:
    staff_member_id: Annotated[int, Integer(required=True)]


async def docking_staff(request: web.Request, body: NewDockingStaff) -> web.Response:
    cmd = ChangeDockingStaff(rest.actor_id(request), rest.path_id(request, "demand_id"), body.staff_member_id)
    return rest.json(await change_docking_staff(cmd, rest.container(request).uow(), policy(request)))


ROUTES = [
    rest.route(
        "POST",
        "/demands/{demand_id}/follow-ups",
        new_follow_up,
        operation(
            "The docking staff member (or the centre's admin) records a follow-up on a demand in docking; it joins "
            "the timeline and restarts the reminder count",
            ("201", schema_of(DemandFollowUpAdded)),
            errors={
                "404": "not_found / attachment_not_found",
                "409": "illegal_transition",
                "422": "invalid_follow_up_kind / invalid_time / missing_field / too_many_attachments",
            },
        ),
        body=form(FOLLOW_UP, NewFollowUp),
    ),
    rest.route(
        "GET",
        "/demands/{demand_id}/follow-ups",
        follow_ups,
        operation(
            "A demand's follow-ups, latest first (not shown to the enterprise)",
            ("200", obj(["items"], items={"type": "array", "items": schema_of(DemandFollowUpView)})),
            errors={"404": "not_found"},
        ),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/docking-staff",
        docking_staff,
        operation(
            "The centre admin hands a demand in docking to another active staff member of the centre, who is "
            "told by work notice",
            ("200", schema_of(DockingStaffChanged)),
            errors={"404": "not_found / staff_not_found", "409": "illegal_transition / same_staff"},
        ),
        body=fields(NewDockingStaff),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
