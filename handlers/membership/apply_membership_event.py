"""DingTalk's contact events decide membership: an active member is taken in (account active, userid bound,
welcome card), a member who left the organisation is deactivated.

user_active_org fires when a person accepts the join invitation; user_add_org when the organisation adds
them, which for someone already active in DingTalk is the only event there is. Runs inside the caller's
unit of work, which also claims the kept event (contact_events), so a redelivered event has no second effect.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from handlers.membership.invitations import (
    lock_account,
    lock_invitation,
    pending_invitation,
    revoke,
    settle_acceptance,
)
from handlers.membership.policy import MembershipPolicy
from store.models.auth import AuthSession, DingTalkBinding
from store.models.membership import InvitationStatus, MembershipInvitation, PlatformState
from store.models.organisation import Account, AccountRole, AccountStatus
from store.transaction import Transaction

ACTOR = "dingtalk"
JOINED = "user_active_org"
ADDED = "user_add_org"
LEFT = "user_leave_org"
LEFT_REASON = "已退出钉钉组织"


@dataclass(frozen=True)
class MemberFacts:
    """What DingTalk's user detail says about a member; None where it was not asked or not known."""

    userid: str
    mobile: str | None = None
    active: bool | None = None


@dataclass(frozen=True)
class ApplyMembershipEvent:
    event_type: str
    members: tuple[MemberFacts, ...]


async def apply_membership_event(cmd: ApplyMembershipEvent, tx: Transaction, policy: MembershipPolicy) -> None:
    for member in cmd.members:
        if cmd.event_type == LEFT:
            await _left(tx, member.userid)
        elif cmd.event_type == JOINED or (cmd.event_type == ADDED and member.active):
            await _joined(tx, member, policy)
        elif cmd.event_type == ADDED:
            await _added(tx, member)


async def _invitation_for(tx: Transaction, member: MemberFacts) -> MembershipInvitation | None:
    """The person's open invitation, else their latest. The person is known by the userid the channel
    recorded, else by their mobile (the event can overtake the relay's record of the userid, e.g. after a
    resend, while an older closed invitation already carries the userid)."""
    account_id = await tx.session.scalar(
        select(MembershipInvitation.account_id)
        .where(MembershipInvitation.dingtalk_userid == member.userid)
        .order_by(MembershipInvitation.id.desc())
        .limit(1)
    )
    if account_id is None and member.mobile:
        account_id = await tx.session.scalar(select(Account.id).where(Account.mobile == member.mobile))
    if account_id is None:
        return None
    await lock_account(tx, account_id)
    mine = (MembershipInvitation.account_id == account_id) & (
        MembershipInvitation.dingtalk_userid.is_(None) | (MembershipInvitation.dingtalk_userid == member.userid)
    )
    found = await pending_invitation(tx, account_id) or await tx.session.scalar(
        select(MembershipInvitation).where(mine).order_by(MembershipInvitation.id.desc()).limit(1)
    )
    if found is None or found.dingtalk_userid not in (None, member.userid):
        return None
    return await lock_invitation(tx, found.id)


async def _joined(tx: Transaction, member: MemberFacts, policy: MembershipPolicy) -> None:
    invitation = await _invitation_for(tx, member)
    if invitation is None:
        return  # not someone we invited (or a member who only uses other apps of the organisation)
    account = await lock_account(tx, invitation.account_id)
    await settle_acceptance(tx, invitation, account, member.userid, policy, actor=ACTOR)


async def _added(tx: Transaction, member: MemberFacts) -> None:
    invitation = await _invitation_for(tx, member)
    if invitation is None or invitation.status != InvitationStatus.PENDING:
        return
    if invitation.dingtalk_userid is None:
        invitation.dingtalk_userid = member.userid
    if invitation.platform_state == PlatformState.QUEUED:
        invitation.platform_state = PlatformState.JOIN_REQUESTED


async def _left(tx: Transaction, userid: str) -> None:
    binding = await tx.session.scalar(select(DingTalkBinding).where(DingTalkBinding.userid == userid))
    now = tx.clock.now()
    if binding is not None:
        account = await lock_account(tx, binding.account_id)
        roles = sorted(
            str(r)
            for r in await tx.session.scalars(select(AccountRole.role).where(AccountRole.account_id == account.id))
        )
        account.status = AccountStatus.LEFT
        account.updated_at = now
        revoked = await tx.session.execute(
            update(AuthSession)
            .where(AuthSession.account_id == account.id, AuthSession.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        # The userid dies with the membership (a rejoin gets a new one); the chain keeps who it was.
        await tx.session.delete(binding)
        tx.record(
            "account",
            account.id,
            "dingtalk_left",
            actor=ACTOR,
            data={
                "userid": userid,
                "status": account.status,
                "roles": roles,
                "sessions_revoked": int(getattr(revoked, "rowcount", 0) or 0),
            },
        )
    pending = await tx.session.execute(
        select(MembershipInvitation.id, MembershipInvitation.account_id).where(
            MembershipInvitation.dingtalk_userid == userid, MembershipInvitation.status == InvitationStatus.PENDING
        )
    )
    for invitation_id, account_id in list(pending):
        await lock_account(tx, account_id)
        invitation = await lock_invitation(tx, invitation_id)
        assert invitation is not None
        revoke(invitation, now, LEFT_REASON, None)
        tx.record(
            "account",
            invitation.account_id,
            "dingtalk_invitation_revoked",
            actor=ACTOR,
            data={"invitation_id": invitation.id, "reason": LEFT_REASON},
        )
    await tx.session.flush()
