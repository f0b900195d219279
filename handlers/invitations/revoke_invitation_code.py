"""The institution's admin withdraws a code with a reason; whoever enters it later is told that reason."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict, Forbidden, NotFound
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor
from store.models.invitations import InvitationCode
from store.models.organisation import Role
from store.uow import UnitOfWork

REASON_MAX = 200


@dataclass(frozen=True)
class RevokeInvitationCode:
    actor_id: int
    invitation_code_id: int
    reason: str


async def revoke_invitation_code(cmd: RevokeInvitationCode, uow: UnitOfWork) -> None:
    reason = v.required_text(cmd.reason, "撤销原因", REASON_MAX)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not actor.has(Role.INSTITUTION_ADMIN):
            # Only institution admins revoke codes: anyone else is refused before a code's existence shows.
            raise Forbidden("只有法人机构管理员可以撤销邀请码")
        # The row lock orders the revocation against redemptions and keeps the code's chain linear.
        code = await uow.session.scalar(
            select(InvitationCode).where(InvitationCode.id == cmd.invitation_code_id).with_for_update()
        )
        if code is None:
            raise NotFound("未找到该邀请码")
        if code.institution_id not in actor.institutions(Role.INSTITUTION_ADMIN):
            raise NotFound("未找到该邀请码")  # another institution's code: its existence is not confirmed
        if code.revoked_at is not None:
            raise Conflict("该邀请码已撤销", code="already_revoked")
        code.revoked_at = uow.clock.now()
        code.revoked_by = actor.account_id
        code.revoke_reason = reason
        await uow.session.flush()
        uow.record("invitation_code", code.id, "revoked", actor=actor.label, data={"reason": reason})
        await uow.commit()
