"""An admin withdraws a pending invitation, with a reason the person is told if they accept DingTalk's later."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict
from handlers.membership.access import managed_invitation
from handlers.membership.invitations import is_overdue, mark_expired, revoke
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from store.models.membership import InvitationStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RevokeMembershipInvitation:
    actor_id: int
    invitation_id: int
    reason: str


async def revoke_membership_invitation(cmd: RevokeMembershipInvitation, uow: UnitOfWork) -> None:
    reason = v.required_text(cmd.reason, "撤销原因", 200)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        invitation = await managed_invitation(uow, actor, cmd.invitation_id)
        if is_overdue(invitation, uow):
            await mark_expired(uow, invitation, actor.label)
            await uow.commit()  # it has expired: say so, rather than pretend it was open
            raise Conflict("邀请已过期，无需撤销", code="invitation_expired")
        if invitation.status != InvitationStatus.PENDING:
            raise Conflict("只能撤销待接受的邀请", code="invitation_not_pending")
        revoke(invitation, uow.clock.now(), reason, actor.account_id)
        uow.record(
            "account",
            invitation.account_id,
            "dingtalk_invitation_revoked",
            actor=actor.label,
            data={"invitation_id": invitation.id, "reason": reason},
        )
        await uow.commit()
