"""REST for DingTalk membership invitations: the admins' list, revoke with a reason, invite again.

Roles: the system admin (every invitation) and institution admins (their institution's); scoping and the
decisions are the use cases'. Mounted under /api/v1 behind the bearer middleware.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from aiohttp import web

from bot.bootstrap import container_key
from bot.dingtalk.membership import membership_policy
from bot.dingtalk.wiring import dingtalk_settings
from handlers.errors import InvalidInput
from handlers.membership.list_membership_invitations import (
    InvitationView,
    ListMembershipInvitations,
    list_membership_invitations,
)
from handlers.membership.resend_membership_invitation import (
    ResendMembershipInvitation,
    resend_membership_invitation,
)
from handlers.membership.revoke_membership_invitation import (
    RevokeMembershipInvitation,
    revoke_membership_invitation,
)
from handlers.organisation.pages import PageRequest
from miniapp_api.auth import AUTH_KEY

if TYPE_CHECKING:
    from bot.bootstrap import Container

# route → roles allowed (for the route × role table); everyone else gets 403.
ROUTES = {
    ("GET", "/membership-invitations"): ("system_admin", "institution_admin"),
    ("POST", "/membership-invitations/{invitation_id}/revoke"): ("system_admin", "institution_admin"),
    ("POST", "/membership-invitations/{invitation_id}/resend"): ("system_admin", "institution_admin"),
}


def _container(request: web.Request) -> Container:
    return request.config_dict[container_key]


def _int(value: str | None, name: str, default: int) -> int:
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise InvalidInput(f"{name}应为整数", code="invalid_page") from None


def _invitation_id(request: web.Request) -> int:
    try:
        return int(request.match_info["invitation_id"])
    except ValueError:
        raise web.HTTPNotFound() from None


async def _body(request: web.Request) -> dict[str, Any]:
    if not request.can_read_body:
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise InvalidInput("请求内容不是有效的JSON", code="invalid_json") from None
    if not isinstance(body, dict):
        raise InvalidInput("请求内容应为JSON对象", code="invalid_json")
    return body


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _item(i: InvitationView) -> dict[str, Any]:
    return {
        "id": i.id, "account_id": i.account_id, "name": i.name, "mobile": i.mobile, "role": i.role,
        "title": i.title, "institution_id": i.institution_id, "status": i.status,
        "platform_state": i.platform_state, "platform_error": i.platform_error,
        "dingtalk_userid": i.dingtalk_userid, "created_at": _iso(i.created_at), "expires_at": _iso(i.expires_at),
        "accepted_at": _iso(i.accepted_at), "revoked_at": _iso(i.revoked_at), "revoke_reason": i.revoke_reason,
    }


async def list_view(request: web.Request) -> web.Response:
    q = request.query
    page = PageRequest(_int(q.get("page"), "page", 1), _int(q.get("page_size"), "page_size", 20))
    result = await list_membership_invitations(
        ListMembershipInvitations(request[AUTH_KEY].actor.account_id, q.get("status") or None, page),
        _container(request).uow())
    return web.json_response({"items": [_item(i) for i in result.items], "total": result.total,
                              "page": result.page, "page_size": result.page_size})


async def revoke_view(request: web.Request) -> web.Response:
    body = await _body(request)
    reason = body.get("reason")
    await revoke_membership_invitation(RevokeMembershipInvitation(
        request[AUTH_KEY].actor.account_id, _invitation_id(request), reason if isinstance(reason, str) else ""),
        _container(request).uow())
    return web.Response(status=204)


async def resend_view(request: web.Request) -> web.Response:
    container = _container(request)
    resent = await resend_membership_invitation(
        ResendMembershipInvitation(request[AUTH_KEY].actor.account_id, _invitation_id(request)), container.uow(),
        membership_policy(dingtalk_settings(container.settings)))
    return web.json_response({"invitation_id": resent.invitation_id}, status=201)


def register(app: web.Application) -> None:
    app.router.add_get("/membership-invitations", list_view)
    app.router.add_post("/membership-invitations/{invitation_id}/revoke", revoke_view)
    app.router.add_post("/membership-invitations/{invitation_id}/resend", resend_view)


_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_ID = {"name": "invitation_id", "in": "path", "required": True, "schema": {"type": "integer"}}


def _errors(**codes: str) -> dict[str, Any]:
    return {status.removeprefix("e"): {"description": text, **_ERR} for status, text in codes.items()}


_TIME = {"type": ["string", "null"], "format": "date-time"}
INVITATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "account_id", "name", "mobile", "role", "title", "status", "platform_state", "expires_at"],
    "properties": {
        "id": {"type": "integer"}, "account_id": {"type": "integer"}, "name": {"type": "string"},
        "mobile": {"type": "string"},
        "role": {"type": "string", "enum": ["institution_admin", "centre_admin", "staff", "official"]},
        "title": {"type": "string"}, "institution_id": {"type": ["integer", "null"]},
        "status": {"type": "string", "enum": ["pending", "accepted", "expired", "revoked"]},
        "platform_state": {"type": "string", "enum": ["queued", "join_requested", "member", "failed"],
                           "description": "where DingTalk stands: queued, join invitation sent (awaiting 同意), "
                                          "already a member, refused (see platform_error)"},
        "platform_error": {"type": ["string", "null"]}, "dingtalk_userid": {"type": ["string", "null"]},
        "created_at": _TIME, "expires_at": _TIME, "accepted_at": _TIME, "revoked_at": _TIME,
        "revoke_reason": {"type": ["string", "null"]},
    },
}

MEMBERSHIP_PATHS: dict[str, Any] = {
    "/membership-invitations": {"get": {
        "summary": "DingTalk membership invitations the actor manages, newest first (system admin: all; "
                   "institution admin: its institution's)",
        "parameters": [
            {"name": "status", "in": "query", "required": False,
             "schema": {"type": "string", "enum": ["pending", "accepted", "expired", "revoked"]}},
            {"name": "page", "in": "query", "required": False, "schema": {"type": "integer", "minimum": 1}},
            {"name": "page_size", "in": "query", "required": False,
             "schema": {"type": "integer", "minimum": 1, "maximum": 100}},
        ],
        "responses": {
            "200": {"description": "a page of invitations", "content": {"application/json": {"schema": {
                "type": "object", "required": ["items", "total", "page", "page_size"],
                "properties": {"items": {"type": "array", "items": {
                    "$ref": "#/components/schemas/MembershipInvitation"}},
                    "total": {"type": "integer"}, "page": {"type": "integer"}, "page_size": {"type": "integer"}},
            }}}},
            **_errors(e403="forbidden: 只有系统管理员或法人机构管理员可以管理邀请",
                      e422="invalid_status, invalid_page"),
        },
    }},
    "/membership-invitations/{invitation_id}/revoke": {"post": {
        "summary": "Revoke a pending invitation with a reason; if the person accepts DingTalk's invitation "
                   "later they are told 「邀请已撤销：<原因>」 and nothing is activated",
        "parameters": [_ID],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string", "maxLength": 200}},
        }}}},
        "responses": {"204": {"description": "revoked"}, **_errors(
            e403="forbidden", e404="invitation_not_found",
            e409="invitation_not_pending, invitation_expired", e422="missing_field: 请填写撤销原因")},
    }},
    "/membership-invitations/{invitation_id}/resend": {"post": {
        "summary": "Invite again after an invitation expired or was revoked: a new invitation and a new "
                   "request to DingTalk",
        "parameters": [_ID],
        "responses": {"201": {"description": "the new invitation (null: already a bound member)",
                              "content": {"application/json": {"schema": {
                                  "type": "object", "required": ["invitation_id"],
                                  "properties": {"invitation_id": {"type": ["integer", "null"]}}}}}},
                      **_errors(e403="forbidden", e404="invitation_not_found",
                                e409="invitation_still_pending, invitation_accepted, account_disabled")},
    }},
}
