"""Follow-ups on a demand in docking, and the centre admin's change of the docking staff member."""

from __future__ import annotations

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, DemandFollowUpAdded, add_demand_follow_up
from handlers.follow_ups.change_docking_staff import ChangeDockingStaff, DockingStaffChanged, change_docking_staff
from handlers.follow_ups.list_follow_ups import DemandFollowUpView, ListDemandFollowUps, list_demand_follow_ups
from miniapp_api import rest
from miniapp_api.demands import policy
from miniapp_api.schemas import INT, obj, operation, schema_of
from store.models.organisation_people import FollowUpKind


async def new_follow_up(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    ids = body.get("attachment_ids") or []
    if not isinstance(ids, list) or not all(rest.is_id(i) for i in ids):
        raise InvalidInput("字段 attachment_ids 的格式有误", code="invalid_field")
    cmd = AddDemandFollowUp(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        rest.text(body, "kind"),
        rest.timestamp(body, "occurred_at"),
        rest.text(body, "content"),
        tuple(ids),
    )
    return rest.json(await add_demand_follow_up(cmd, rest.container(request).uow()), status=201)


async def follow_ups(request: web.Request) -> web.Response:
    cmd = ListDemandFollowUps(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json({"items": rest.plain(await list_demand_follow_ups(cmd, rest.container(request).uow()))})


async def docking_staff(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = ChangeDockingStaff(
        rest.actor_id(request), rest.path_id(request, "demand_id"), rest.integer(body, "staff_member_id")
    )
    return rest.json(await change_docking_staff(cmd, rest.container(request).uow(), policy(request)))


_FOLLOW_UP = obj(
    ["kind", "occurred_at", "content"],
    kind={"type": "string", "enum": [k.value for k in FollowUpKind], "description": "visit 走访, phone, online, other"},
    occurred_at={"type": "string", "format": "date-time"},
    content={"type": "string", "maxLength": 2000},
    attachment_ids={"type": "array", "items": INT, "description": "ids from POST /demand-attachments"},
)

ROUTES = [
    rest.Route(
        "POST",
        "/demands/{demand_id}/follow-ups",
        new_follow_up,
        operation(
            "The docking staff member (or the centre's admin) records a follow-up on a demand in docking; it joins "
            "the timeline and restarts the reminder count",
            ("201", schema_of(DemandFollowUpAdded)),
            body=_FOLLOW_UP,
            errors={
                "404": "not_found / attachment_not_found",
                "409": "illegal_transition",
                "422": "invalid_follow_up_kind / invalid_time / missing_field / too_many_attachments",
            },
        ),
    ),
    rest.Route(
        "GET",
        "/demands/{demand_id}/follow-ups",
        follow_ups,
        operation(
            "A demand's follow-ups, latest first (not shown to the enterprise)",
            ("200", obj(["items"], items={"type": "array", "items": schema_of(DemandFollowUpView)})),
            errors={"404": "not_found"},
        ),
    ),
    rest.Route(
        "POST",
        "/demands/{demand_id}/docking-staff",
        docking_staff,
        operation(
            "The centre admin hands a demand in docking to another active staff member of the centre, who is "
            "told by work notice",
            ("200", schema_of(DockingStaffChanged)),
            body=obj(["staff_member_id"], staff_member_id=INT),
            errors={"404": "not_found / staff_not_found", "409": "illegal_transition / same_staff"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
