"""REST for DingTalk membership invitations: the admins' list, revoke with a reason, invite again.

Roles: the system admin (every invitation) and institution admins (their institution's); scoping and the
decisions are the use cases'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aiohttp import web

from handlers.membership.list_membership_invitations import (
    InvitationView,
    ListMembershipInvitations,
    list_membership_invitations,
)
from handlers.membership.resend_membership_invitation import (
    InvitationResent,
    ResendMembershipInvitation,
    resend_membership_invitation,
)
from handlers.membership.revoke_membership_invitation import (
    RevokeMembershipInvitation,
    revoke_membership_invitation,
)
from miniapp_api import rest
from miniapp_api.body import Text, fields
from miniapp_api.schemas import operation, page_of, schema_of


async def invitations(request: web.Request) -> web.Response:
    cmd = ListMembershipInvitations(
        rest.actor_id(request), request.query.get("status") or None, rest.page_request(request)
    )
    return rest.page_json(await list_membership_invitations(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class Reason:
    reason: Annotated[str, Text(required=True)]


async def revoke(request: web.Request, body: Reason) -> web.Response:
    cmd = RevokeMembershipInvitation(rest.actor_id(request), rest.path_id(request, "invitation_id"), body.reason)
    await revoke_membership_invitation(cmd, rest.container(request).uow())
    return web.Response(status=204)


async def resend(request: web.Request) -> web.Response:
    container = rest.container(request)
    cmd = ResendMembershipInvitation(rest.actor_id(request), rest.path_id(request, "invitation_id"))
    return rest.json(await resend_membership_invitation(cmd, container.uow(), container.membership_policy), status=201)


_LIST = operation(
    "DingTalk membership invitations the actor manages, newest first (system admin: all; institution admin: "
    "its institution's). platform_state: queued, join_requested (awaiting 同意), member, failed "
    "(see platform_error)",
    ("200", page_of(InvitationView)),
    paged=True,
    errors={"422": "invalid_status / invalid_page"},
)
_LIST["parameters"].append(
    {
        "name": "status",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["pending", "accepted", "expired", "revoked"]},
    }
)

ROUTES = [
    rest.route("GET", "/membership-invitations", invitations, _LIST),
    rest.route(
        "POST",
        "/membership-invitations/{invitation_id}/revoke",
        revoke,
        operation(
            "Revoke a pending invitation with a reason; if the person accepts DingTalk's invitation later they are "
            "told 「邀请已撤销：<原因>」 and nothing is activated",
            ("204", None),
            errors={
                "404": "invitation_not_found",
                "409": "invitation_not_pending / invitation_expired",
                "422": "missing_field",
            },
        ),
        body=fields(Reason),
    ),
    rest.route(
        "POST",
        "/membership-invitations/{invitation_id}/resend",
        resend,
        operation(
            "Invite again after an invitation expired or was revoked: a new invitation and a new request to DingTalk "
            "(invitation_id null: already a bound member)",
            ("201", schema_of(InvitationResent)),
            errors={
                "404": "invitation_not_found",
                "409": "invitation_still_pending / invitation_accepted / account_disabled",
            },
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
