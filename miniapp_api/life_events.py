"""Changes of life: a staff member leaves, a person's number changes, an admin sets a starting password."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aiohttp import web

from handlers.auth.change_mobile import ChangeMobile, change_mobile
from handlers.auth.correct_mobile import CorrectMobile, correct_mobile
from handlers.auth.request_mobile_change_code import RequestMobileChangeCode, request_mobile_change_code
from handlers.auth.set_initial_password import SetInitialPassword, set_initial_password
from handlers.staff.record_staff_departure import RecordStaffDeparture, StaffDeparted, record_staff_departure
from miniapp_api import rest
from miniapp_api.body import OptionalInteger, Text, fields
from miniapp_api.schemas import STR, obj, operation, schema_of


@dataclass(frozen=True)
class Departure:
    successor_staff_member_id: Annotated[int | None, OptionalInteger()]
    reason: Annotated[str, Text(required=True)]


async def staff_departure(request: web.Request, body: Departure) -> web.Response:
    cmd = RecordStaffDeparture(
        rest.actor_id(request), rest.path_id(request, "staff_member_id"), body.successor_staff_member_id, body.reason
    )
    return rest.json(await record_staff_departure(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class InitialPassword:
    password: Annotated[str, Text(required=True)]


async def initial_password(request: web.Request, body: InitialPassword) -> web.Response:
    cmd = SetInitialPassword(rest.actor_id(request), rest.path_id(request, "account_id"), body.password)
    await set_initial_password(cmd, rest.container(request).uow())
    return web.Response(status=204)


@dataclass(frozen=True)
class MobileCorrection:
    mobile: Annotated[str, Text(required=True)]
    reason: Annotated[str, Text(required=True)]


async def mobile_correction(request: web.Request, body: MobileCorrection) -> web.Response:
    cmd = CorrectMobile(rest.actor_id(request), rest.path_id(request, "account_id"), body.mobile, body.reason)
    await correct_mobile(cmd, rest.container(request).uow())
    return web.Response(status=204)


@dataclass(frozen=True)
class NewMobile:
    mobile: Annotated[str, Text(required=True)]


async def mobile_change_code(request: web.Request, body: NewMobile) -> web.Response:
    container = rest.container(request)
    await request_mobile_change_code(
        RequestMobileChangeCode(rest.actor_id(request), body.mobile),
        container.uow(),
        container.auth_policy,
        container.coordination,
    )
    return web.json_response({"status": "sent"}, status=202)


@dataclass(frozen=True)
class MobileChange:
    mobile: Annotated[str, Text(required=True)]
    code: Annotated[str, Text(required=True)]


async def mobile_change(request: web.Request, body: MobileChange) -> web.Response:
    container = rest.container(request)
    cmd = ChangeMobile(rest.actor_id(request), body.mobile, body.code, session_id=request[rest.AUTH_KEY].session_id)
    await change_mobile(cmd, container.uow(), container.auth_policy)
    return web.Response(status=204)


ROUTES = [
    rest.route(
        "POST",
        "/staff/{staff_member_id}/departure",
        staff_departure,
        operation(
            "A staff member leaves (centre or institution admin): access ends at once, the successor takes over",
            ("200", schema_of(StaffDeparted)),
            errors={
                "403": "forbidden / own_departure",
                "404": "not_found",
                "409": "staff_already_left",
                "422": "invalid_successor / invalid_field",
            },
        ),
        body=fields(Departure),
    ),
    rest.route(
        "POST",
        "/accounts/{account_id}/initial-password",
        initial_password,
        operation(
            "Set a starting password (system admin; institution admin for its staff); it must be changed at sign-in",
            ("204", None),
            errors={"403": "forbidden", "404": "not_found", "422": "weak_password"},
        ),
        body=fields(InitialPassword),
    ),
    rest.route(
        "POST",
        "/accounts/{account_id}/mobile",
        mobile_correction,
        operation(
            "Correct a person's mobile (system admin; institution admin for its staff and experts): "
            "platform bindings are dropped and bound again at the next sign-in",
            ("204", None),
            errors={
                "403": "forbidden",
                "404": "not_found",
                "409": "mobile_taken",
                "422": "invalid_mobile / same_mobile / missing_field",
            },
        ),
        body=fields(MobileCorrection),
    ),
    rest.route(
        "POST",
        "/me/mobile-codes",
        mobile_change_code,
        operation(
            "Send a code to the number the signed-in person wants to move to",
            ("202", obj(["status"], status=STR)),
            errors={"409": "mobile_taken", "422": "invalid_mobile / same_mobile", "429": "sms_too_frequent"},
        ),
        body=fields(NewMobile),
    ),
    rest.route(
        "POST",
        "/me/mobile",
        mobile_change,
        operation(
            "Move the signed-in account to the new number with its code; other sessions end",
            ("204", None),
            errors={"401": "invalid_sms_code", "409": "mobile_taken"},
        ),
        body=fields(MobileChange),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
