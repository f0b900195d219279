"""Invitation codes: the institution admin issues, lists and revokes them; a signed-in person redeems one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from aiohttp import web

from handlers.invitations.create_invitation_code import (
    CreateInvitationCode,
    InvitationCodeCreated,
    create_invitation_code,
)
from handlers.invitations.list_invitation_codes import (
    InvitationCodeView,
    ListInvitationCodes,
    list_invitation_codes,
)
from handlers.invitations.list_technology_managers import (
    ListTechnologyManagers,
    TechnologyManagerView,
    list_technology_managers,
)
from handlers.invitations.redeem_invitation_code import (
    InvitationCodeRedeemed,
    RedeemInvitationCode,
    redeem_invitation_code,
)
from handlers.invitations.revoke_invitation_code import RevokeInvitationCode, revoke_invitation_code
from miniapp_api import rest
from miniapp_api.body import Int32, Text, Timestamp, fields
from miniapp_api.schemas import operation, page_of, schema_of
from store.models.invitations import InvitationPurpose


async def codes(request: web.Request) -> web.Response:
    cmd = ListInvitationCodes(
        rest.actor_id(request), rest.path_id(request, "institution_id"), rest.page_request(request)
    )
    return rest.page_json(await list_invitation_codes(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewCode:
    purpose: Annotated[
        str,
        Text(default=InvitationPurpose.TECHNOLOGY_MANAGER.value, enum=[p.value for p in InvitationPurpose]),
    ]
    expires_at: Annotated[datetime, Timestamp(required=True)]
    max_uses: Annotated[int, Int32(required=True, minimum=1, maximum=1000)]


async def new_code(request: web.Request, body: NewCode) -> web.Response:
    cmd = CreateInvitationCode(
        rest.actor_id(request),
        rest.path_id(request, "institution_id"),
        body.expires_at,
        body.max_uses,
        body.purpose,  # type: ignore[arg-type]  # the use case checks the value
    )
    return rest.json(await create_invitation_code(cmd, rest.container(request).uow()), status=201)


@dataclass(frozen=True)
class Revoking:
    reason: Annotated[str, Text(required=True)]


async def revoke(request: web.Request, body: Revoking) -> web.Response:
    cmd = RevokeInvitationCode(rest.actor_id(request), rest.path_id(request, "invitation_code_id"), body.reason)
    await revoke_invitation_code(cmd, rest.container(request).uow())
    return web.Response(status=204)


async def managers(request: web.Request) -> web.Response:
    cmd = ListTechnologyManagers(
        rest.actor_id(request), rest.path_id(request, "institution_id"), rest.page_request(request)
    )
    return rest.page_json(await list_technology_managers(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class Redeeming:
    code: Annotated[str, Text(required=True)]


async def redeem(request: web.Request, body: Redeeming) -> web.Response:
    cmd = RedeemInvitationCode(rest.actor_id(request), body.code)
    return rest.json(await redeem_invitation_code(cmd, rest.container(request).uow()))


ROUTES = [
    rest.route(
        "GET",
        "/institutions/{institution_id}/invitation-codes",
        codes,
        operation(
            "The institution admin's codes with uses and status", ("200", page_of(InvitationCodeView)), paged=True
        ),
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/invitation-codes",
        new_code,
        operation(
            "The institution admin issues a code for technology managers",
            ("201", schema_of(InvitationCodeCreated)),
            errors={"422": "invalid_expiry / invalid_max_uses"},
        ),
        body=fields(NewCode),
    ),
    rest.route(
        "POST",
        "/invitation-codes/{invitation_code_id}/revoke",
        revoke,
        operation(
            "The institution admin revokes a code with a reason",
            ("204", None),
            errors={"404": "not_found", "409": "already_revoked"},
        ),
        body=fields(Revoking),
    ),
    rest.route(
        "GET",
        "/institutions/{institution_id}/technology-managers",
        managers,
        operation(
            "The institution admin's technology managers: who bound themselves with its codes, and when",
            ("200", page_of(TechnologyManagerView)),
            paged=True,
        ),
    ),
    rest.route(
        "POST",
        "/invitation-codes/redeem",
        redeem,
        operation(
            "A technology manager enters a code and is bound to its institution (role technology_manager, scoped to "
            "it). Meant for a person without a role yet or the institution's own staff and centre admins",
            ("200", schema_of(InvitationCodeRedeemed)),
            errors={
                "422": "invalid_invitation_code: 邀请码无效",
                "403": "invitation_not_for_role: system admins, officials, institution admins, experts and "
                "enterprise contacts may not redeem / invitation_other_institution: a member of another "
                "institution",
                "409": "invitation_expired / invitation_revoked / invitation_exhausted / manager_bound_elsewhere",
            },
        ),
        body=fields(Redeeming),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
