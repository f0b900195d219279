"""The staff page: staff members in scope; the institution admin adds one to a centre."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from handlers.staff.add_staff import AddStaff, StaffAdded, add_staff
from handlers.staff.form import STAFF
from handlers.staff.get_staff_member import GetStaffMember, get_staff_member
from handlers.staff.list_staff import ListStaff, StaffView, list_staff
from miniapp_api import rest
from miniapp_api.body import form
from miniapp_api.schemas import operation, page_of, schema_of


async def staff(request: web.Request) -> web.Response:
    cmd = ListStaff(rest.actor_id(request), rest.page_request(request), rest.query_id(request, "centre_id"))
    return rest.page_json(await list_staff(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewStaff:
    """The staff form (handlers.staff.form)."""

    name: str
    mobile: str
    position: str
    centre_admin: bool


async def new_staff(request: web.Request, body: NewStaff) -> web.Response:
    cmd = AddStaff(
        actor_id=rest.actor_id(request),
        centre_id=rest.path_id(request, "centre_id"),
        name=body.name,
        mobile=body.mobile,
        position=body.position,
        centre_admin=body.centre_admin,
    )
    container = rest.container(request)
    return rest.json(await add_staff(cmd, container.uow(), membership=container.membership_policy), status=201)


async def staff_member(request: web.Request) -> web.Response:
    cmd = GetStaffMember(rest.actor_id(request), rest.path_id(request, "staff_member_id"))
    return rest.json(await get_staff_member(cmd, rest.container(request).uow()))


ROUTES = [
    rest.route(
        "GET",
        "/staff",
        staff,
        operation(
            "Staff in the caller's scope (a staff member sees only themself), optionally of one centre",
            ("200", page_of(StaffView)),
            paged=True,
            filters={"centre_id": "only this centre's staff"},
        ),
    ),
    rest.route(
        "POST",
        "/centres/{centre_id}/staff",
        new_staff,
        operation(
            "The institution admin adds a staff member (optionally the centre's admin)",
            ("201", schema_of(StaffAdded)),
            errors={
                "404": "not_found",
                "422": "invalid_mobile / missing_field",
                "409": "staff_exists / staff_is_admin",
            },
        ),
        body=form(STAFF, NewStaff),
    ),
    rest.route(
        "GET",
        "/staff/{staff_member_id}",
        staff_member,
        operation("One staff member", ("200", schema_of(StaffView)), errors={"404": "not_found"}),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
