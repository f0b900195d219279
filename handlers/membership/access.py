"""Who may see and act on a membership invitation: the system admin on every one, an institution admin on
its own institution's (its staff, and its admin invitation)."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, true

from handlers.errors import Forbidden, NotFound
from handlers.membership.invitations import lock_account, lock_invitation
from handlers.organisation.actors import Actor
from store.models.membership import MembershipInvitation
from store.models.organisation import Role
from store.uow import UnitOfWork

NOT_YOURS = "只能管理本机构人员的邀请"


def visible_invitations(actor: Actor) -> ColumnElement[bool]:
    if actor.has(Role.SYSTEM_ADMIN):
        return true()
    institutions = actor.institutions(Role.INSTITUTION_ADMIN)
    if not institutions:
        return false()
    return MembershipInvitation.institution_id.in_(sorted(institutions))


def may_manage(actor: Actor, invitation: MembershipInvitation) -> bool:
    return actor.has(Role.SYSTEM_ADMIN) or (
        invitation.institution_id is not None
        and invitation.institution_id in actor.institutions(Role.INSTITUTION_ADMIN)
    )


def require_manager(actor: Actor) -> None:
    if not (actor.has(Role.SYSTEM_ADMIN) or actor.institutions(Role.INSTITUTION_ADMIN)):
        raise Forbidden("只有系统管理员或法人机构管理员可以管理邀请")


async def managed_invitation(uow: UnitOfWork, actor: Actor, invitation_id: int) -> MembershipInvitation:
    """The invitation locked (account first), or 404 — also when it is another institution's, so ids leak nothing."""
    require_manager(actor)
    found = await uow.session.get(MembershipInvitation, invitation_id)
    if found is None or not may_manage(actor, found):
        raise NotFound("未找到该邀请", code="invitation_not_found")
    await lock_account(uow, found.account_id)
    invitation = await lock_invitation(uow, invitation_id)
    assert invitation is not None
    return invitation
