"""Changes of life: a staff member leaves, a person's number changes, an admin sets a starting password."""

from __future__ import annotations

from aiohttp import web

from bot.bootstrap import container_key
from handlers.auth.change_mobile import ChangeMobile, change_mobile
from handlers.auth.request_mobile_change_code import RequestMobileChangeCode, request_mobile_change_code
from handlers.auth.set_initial_password import SetInitialPassword, set_initial_password
from handlers.errors import InvalidInput
from handlers.organisation.correct_mobile import CorrectMobile, correct_mobile
from handlers.organisation.record_staff_departure import RecordStaffDeparture, record_staff_departure
from miniapp_api.auth import AUTH_KEY, _body, _text


def _id(request: web.Request, name: str) -> int:
    try:
        return int(request.match_info[name])
    except ValueError:
        raise InvalidInput("编号有误", code="invalid_id") from None


async def staff_departure(request: web.Request) -> web.Response:
    body = await _body(request)
    successor = body.get("successor_staff_member_id")
    if successor is not None and (not isinstance(successor, int) or isinstance(successor, bool)):
        raise InvalidInput("接替人员编号有误", code="invalid_successor")
    departed = await record_staff_departure(
        RecordStaffDeparture(request[AUTH_KEY].actor.account_id, _id(request, "member_id"), successor,
                             _text(body, "reason")),
        request.config_dict[container_key].uow(),
    )
    return web.json_response({
        "account_id": departed.account_id,
        "successor_account_id": departed.successor_account_id,
        "account_disabled": departed.account_disabled,
    })


async def initial_password(request: web.Request) -> web.Response:
    body = await _body(request)
    await set_initial_password(
        SetInitialPassword(request[AUTH_KEY].actor.account_id, _id(request, "account_id"), _text(body, "password")),
        request.config_dict[container_key].uow(),
    )
    return web.Response(status=204)


async def mobile_correction(request: web.Request) -> web.Response:
    body = await _body(request)
    await correct_mobile(
        CorrectMobile(request[AUTH_KEY].actor.account_id, _id(request, "account_id"), _text(body, "mobile"),
                      _text(body, "reason")),
        request.config_dict[container_key].uow(),
    )
    return web.Response(status=204)


async def mobile_change_code(request: web.Request) -> web.Response:
    body = await _body(request)
    container = request.config_dict[container_key]
    await request_mobile_change_code(
        RequestMobileChangeCode(request[AUTH_KEY].actor.account_id, _text(body, "mobile")),
        container.uow(), container.auth_policy,
    )
    return web.json_response({"status": "sent"}, status=202)


async def mobile_change(request: web.Request) -> web.Response:
    body = await _body(request)
    auth = request[AUTH_KEY]
    container = request.config_dict[container_key]
    await change_mobile(
        ChangeMobile(auth.actor.account_id, _text(body, "mobile"), _text(body, "code"), session_id=auth.session_id),
        container.uow(), container.auth_policy,
    )
    return web.Response(status=204)


def register(app: web.Application) -> None:
    app.router.add_post("/staff/{member_id}/departure", staff_departure)
    app.router.add_post("/accounts/{account_id}/initial-password", initial_password)
    app.router.add_post("/accounts/{account_id}/mobile", mobile_correction)
    app.router.add_post("/me/mobile-codes", mobile_change_code)
    app.router.add_post("/me/mobile", mobile_change)
