"""The channel adapter reached DingTalk for an invitation: the person is a member already, or DingTalk sent
its own join invitation. Either way we now know their userid; an active member is taken in at once."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.membership.invitations import is_overdue, lock_account, lock_invitation, settle_acceptance
from handlers.membership.policy import MembershipPolicy
from store.models.membership import InvitationStatus, MembershipInvitation, PlatformState
from store.uow import UnitOfWork

ACTOR = "dingtalk"


@dataclass(frozen=True)
class RecordDingTalkMember:
    invitation_id: int
    userid: str
    active: bool  # already an active member (found by mobile): no join invitation to wait for


@dataclass(frozen=True)
class RecordInvitationRefused:
    invitation_id: int
    reason: str


async def record_dingtalk_member(cmd: RecordDingTalkMember, uow: UnitOfWork, policy: MembershipPolicy) -> bool:
    """True when the account was activated by this answer."""
    async with uow:
        invitation = await _locked(uow, cmd.invitation_id)
        if invitation is None:
            return False
        account = await lock_account(uow, invitation.account_id)
        if invitation.status == InvitationStatus.ACCEPTED:
            return False  # the contact event got here first
        if invitation.dingtalk_userid is None:
            invitation.dingtalk_userid = cmd.userid
        activated = False
        if cmd.active:
            activated = await settle_acceptance(uow, invitation, account, cmd.userid, policy, actor=ACTOR)
        elif invitation.status == InvitationStatus.PENDING:
            invitation.platform_state = PlatformState.JOIN_REQUESTED
            invitation.platform_error = None
            uow.record(
                "account",
                account.id,
                "dingtalk_join_requested",
                actor=ACTOR,
                data={"invitation_id": invitation.id, "userid": cmd.userid},
            )
        await uow.commit()
        return activated


async def invitation_still_open(invitation_id: int, uow: UnitOfWork) -> bool:
    """Whether DingTalk should still be asked: an invitation revoked or expired before the relay got to it
    sends nobody a join invitation."""
    async with uow:
        invitation = await uow.session.get(MembershipInvitation, invitation_id)
        return (
            invitation is not None and invitation.status == InvitationStatus.PENDING and not is_overdue(invitation, uow)
        )


async def record_invitation_refused(cmd: RecordInvitationRefused, uow: UnitOfWork) -> None:
    """DingTalk refused for good (an invalid mobile, no permission): the admin's list shows why."""
    async with uow:
        invitation = await _locked(uow, cmd.invitation_id)
        if invitation is None or invitation.status != InvitationStatus.PENDING:
            return
        await lock_account(uow, invitation.account_id)
        invitation.platform_state = PlatformState.FAILED
        invitation.platform_error = cmd.reason[:200]
        uow.record(
            "account",
            invitation.account_id,
            "dingtalk_invitation_refused",
            actor=ACTOR,
            data={"invitation_id": invitation.id, "reason": invitation.platform_error},
        )
        await uow.commit()


async def _locked(uow: UnitOfWork, invitation_id: int) -> MembershipInvitation | None:
    # Account first, then the invitation: the order every membership use case takes its locks in.
    found = await uow.session.get(MembershipInvitation, invitation_id)
    if found is None:
        return None
    await lock_account(uow, found.account_id)
    return await lock_invitation(uow, invitation_id)
