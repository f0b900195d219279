"""The scheduler closes invitations past their expiry, so the admins' list tells the truth without waiting
for the person to accept (an acceptance checks the expiry itself as well)."""

from __future__ import annotations

from sqlalchemy import select

from handlers.membership.invitations import is_overdue, lock_account, lock_invitation, mark_expired
from store.models.membership import InvitationStatus, MembershipInvitation
from store.uow import UnitOfWork

BATCH = 200


async def expire_membership_invitations(uow: UnitOfWork) -> int:
    expired = 0
    async with uow:
        due = (
            await uow.session.execute(
                select(MembershipInvitation.id, MembershipInvitation.account_id)
                .where(
                    MembershipInvitation.status == InvitationStatus.PENDING,
                    MembershipInvitation.expires_at <= uow.clock.now(),
                )
                .order_by(MembershipInvitation.id)
                .limit(BATCH)
            )
        ).all()
        for invitation_id, account_id in due:
            await lock_account(uow, account_id)
            invitation = await lock_invitation(uow, invitation_id)
            if invitation is not None and is_overdue(invitation, uow):  # accepted meanwhile: leave it
                await mark_expired(uow, invitation, "scheduler")
                expired += 1
        await uow.commit()
    return expired
