"""An admin invites again after an invitation expired or was revoked: a new invitation, a new DingTalk request."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.membership.access import managed_invitation
from handlers.membership.invitations import invite_member, is_overdue, lock_account, mark_expired
from handlers.membership.policy import MembershipPolicy
from handlers.organisation.actors import load_actor
from store.models.membership import InvitationStatus
from store.models.organisation import AccountRole, AccountStatus, Role
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ResendMembershipInvitation:
    actor_id: int
    invitation_id: int


@dataclass(frozen=True)
class InvitationResent:
    invitation_id: int | None  # None: the person is our bound member already, nothing to send


async def resend_membership_invitation(
    cmd: ResendMembershipInvitation, uow: UnitOfWork, policy: MembershipPolicy
) -> InvitationResent:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        old = await managed_invitation(uow, actor, cmd.invitation_id)
        account = await lock_account(uow, old.account_id)
        if is_overdue(old, uow):
            await mark_expired(uow, old, actor.label)
        if old.status == InvitationStatus.PENDING:
            raise Conflict("邀请仍在有效期内，无需重新发送", code="invitation_still_pending")
        if account.status == AccountStatus.DISABLED:
            raise Conflict("该账号已停用，请联系系统管理员", code="account_disabled")
        if account.status == AccountStatus.LEFT:
            # They left the DingTalk organisation since: a new invitation is the way back, active on acceptance —
            # but only into a role they still hold (a staff member who departed is added again instead).
            if not await _still_holds(uow, account.id, Role(old.role), old.institution_id):
                raise Conflict("该人员已不再担任此职务，请重新添加", code="role_ended")
            account.status = AccountStatus.INVITED
            account.updated_at = uow.clock.now()
        elif old.status == InvitationStatus.ACCEPTED:
            raise Conflict("该邀请已被接受", code="invitation_accepted")
        new = await invite_member(
            uow,
            account,
            Role(old.role),
            old.title,
            actor.label,
            invited_by=actor.account_id,
            institution_id=old.institution_id,
            policy=policy,
            renews=old,
        )
        await uow.commit()
        return InvitationResent(new.id if new is not None else None)


async def _still_holds(uow: UnitOfWork, account_id: int, role: Role, institution_id: int | None) -> bool:
    query = select(AccountRole.id).where(AccountRole.account_id == account_id, AccountRole.role == role)
    if institution_id is not None:
        query = query.where(AccountRole.institution_id == institution_id)
    return await uow.session.scalar(query.limit(1)) is not None
