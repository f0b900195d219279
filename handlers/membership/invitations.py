"""Shared steps of the membership use cases: open an invitation, settle an acceptance, tell the person why not.

Everything here runs inside the caller's unit of work, under the account's row lock (the audit chain of
the account is where membership changes are kept).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from cards.membership import (
    WELCOME_CARD,
    WelcomeView,
    invitation_expired_notice,
    invitation_revoked_notice,
    welcome_card,
)
from cards.outbound import CardCreate, MembershipRequest, WorkNotice
from handlers.dingtalk.waiting_cards import deliver_waiting_cards
from handlers.errors import Forbidden
from handlers.membership.policy import MembershipPolicy
from handlers.organisation.actors import Actor
from store.models.auth import DingTalkBinding
from store.models.membership import InvitationStatus, MembershipInvitation, PlatformState
from store.models.organisation import CLOSED_STATUSES, Account, AccountStatus, Institution, Role
from store.transaction import Transaction
from store.uow import UnitOfWork


async def lock_account(uow: Transaction, account_id: int) -> Account:
    account = await uow.session.scalar(select(Account).where(Account.id == account_id).with_for_update())
    assert account is not None, account_id  # invitations reference accounts by foreign key
    return account


async def lock_invitation(uow: Transaction, invitation_id: int) -> MembershipInvitation | None:
    return await uow.session.scalar(
        select(MembershipInvitation)
        .where(MembershipInvitation.id == invitation_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def pending_invitation(uow: Transaction, account_id: int) -> MembershipInvitation | None:
    return await uow.session.scalar(
        select(MembershipInvitation).where(
            MembershipInvitation.account_id == account_id, MembershipInvitation.status == InvitationStatus.PENDING
        )
    )


async def binding_of(uow: Transaction, account_id: int) -> DingTalkBinding | None:
    return await uow.session.scalar(select(DingTalkBinding).where(DingTalkBinding.account_id == account_id))


async def invite_member(
    uow: Transaction,
    account: Account,
    role: Role,
    title: str,
    actor: str,
    *,
    invited_by: int | None,
    institution_id: int | None = None,
    policy: MembershipPolicy,
    renews: MembershipInvitation | None = None,
) -> MembershipInvitation | None:
    """Ask DingTalk to take the person in, unless they are already our bound member or already invited.

    The caller holds the account's row lock. The outbox message leaves only if the caller commits."""
    if account.status == AccountStatus.ACTIVE and await binding_of(uow, account.id) is not None:
        return None
    if (open_one := await pending_invitation(uow, account.id)) is not None:
        return open_one
    now = uow.clock.now()
    invitation = MembershipInvitation(
        account_id=account.id,
        role=role,
        institution_id=institution_id,
        title=title[:64],
        status=InvitationStatus.PENDING,
        platform_state=PlatformState.QUEUED,
        invited_by=invited_by,
        created_at=now,
        expires_at=now + policy.invitation_ttl,
        renews_id=renews.id if renews else None,
    )
    uow.session.add(invitation)
    await uow.session.flush()
    await uow.send(
        MembershipRequest(
            invitation_id=invitation.id,
            name=account.name,
            mobile=account.mobile,
            title=invitation.title,
            source=f"membership_invitation:{invitation.id}",
        )
    )
    uow.record(
        "account",
        account.id,
        "dingtalk_invited",
        actor=actor,
        data={
            "invitation_id": invitation.id,
            "role": role,
            "institution_id": institution_id,
            "expires_at": invitation.expires_at.isoformat(),
            "renews": invitation.renews_id,
        },
    )
    return invitation


class InvitationClosed(Forbidden):
    code = "invitation_closed"
    message = "您的邀请已过期或已撤销，请联系管理员重新邀请"


async def refuse_closed_invitation(uow: UnitOfWork, account: Account) -> None:
    """An invited person whose invitation expired or was revoked is not let in by being in the DingTalk
    organisation anyway (they may have accepted DingTalk's own invitation after ours closed)."""
    if account.status != AccountStatus.INVITED:
        return
    latest = await uow.session.scalar(
        select(MembershipInvitation)
        .where(MembershipInvitation.account_id == account.id)
        .order_by(MembershipInvitation.id.desc())
        .limit(1)
    )
    if latest is not None and (
        latest.status in (InvitationStatus.EXPIRED, InvitationStatus.REVOKED) or is_overdue(latest, uow)
    ):
        raise InvitationClosed()


def is_overdue(invitation: MembershipInvitation, uow: Transaction) -> bool:
    return invitation.status == InvitationStatus.PENDING and invitation.expires_at <= uow.clock.now()


async def mark_expired(uow: Transaction, invitation: MembershipInvitation, actor: str) -> None:
    invitation.status = InvitationStatus.EXPIRED
    invitation.expired_at = uow.clock.now()
    uow.record(
        "account",
        invitation.account_id,
        "dingtalk_invitation_expired",
        actor=actor,
        data={"invitation_id": invitation.id},
    )


def revoke(invitation: MembershipInvitation, now: datetime, reason: str, revoked_by: int | None) -> None:
    invitation.status = InvitationStatus.REVOKED
    invitation.revoked_at = now
    invitation.revoked_by = revoked_by
    invitation.revoke_reason = reason


async def revoke_pending_of(uow: UnitOfWork, account_id: int, institution_id: int, reason: str, actor: Actor) -> None:
    """A departure closes the person's open invitations into that institution (the account is locked)."""
    rows = await uow.session.scalars(
        select(MembershipInvitation)
        .where(
            MembershipInvitation.account_id == account_id,
            MembershipInvitation.institution_id == institution_id,
            MembershipInvitation.status == InvitationStatus.PENDING,
        )
        .with_for_update()
    )
    for invitation in list(rows):
        revoke(invitation, uow.clock.now(), reason, actor.account_id)
        uow.record(
            "account",
            account_id,
            "dingtalk_invitation_revoked",
            actor=actor.label,
            data={"invitation_id": invitation.id, "reason": reason},
        )


async def settle_acceptance(
    uow: Transaction,
    invitation: MembershipInvitation,
    account: Account,
    userid: str,
    policy: MembershipPolicy,
    *,
    actor: str,
) -> bool:
    """The person is an active member of the organisation as `userid`: activate, bind, welcome — or, when
    the invitation is no longer open, tell them why. True when the account was activated now."""
    if invitation.status == InvitationStatus.ACCEPTED:
        return False  # a redelivered or repeated event: done already
    if account.status in CLOSED_STATUSES:
        return False  # they left (or were stopped) since: joining DingTalk is no way back in
    if invitation.dingtalk_userid is None:
        invitation.dingtalk_userid = userid
    if is_overdue(invitation, uow):
        await mark_expired(uow, invitation, actor)
    if invitation.status == InvitationStatus.EXPIRED:
        await _tell(uow, invitation, userid, invitation_expired_notice())
        return False
    if invitation.status == InvitationStatus.REVOKED:
        await _tell(uow, invitation, userid, invitation_revoked_notice(invitation.revoke_reason or "未说明原因"))
        return False
    taken = await uow.session.scalar(select(DingTalkBinding).where(DingTalkBinding.userid == userid))
    if taken is not None and taken.account_id != account.id:
        # Another account holds this member: an admin must sort it out; nothing is activated.
        invitation.platform_state = PlatformState.FAILED
        invitation.platform_error = "该钉钉账号已绑定其他账号"
        uow.record(
            "account",
            account.id,
            "dingtalk_binding_conflict",
            actor=actor,
            data={"invitation_id": invitation.id, "userid": userid},
        )
        return False
    now = uow.clock.now()
    binding = await binding_of(uow, account.id)
    if binding is None:
        uow.session.add(DingTalkBinding(account_id=account.id, userid=userid, created_at=now))
    elif binding.userid != userid:
        binding.userid = userid  # a member who left and was taken in again has a new userid
    invitation.status = InvitationStatus.ACCEPTED
    invitation.accepted_at = now
    invitation.platform_state = PlatformState.MEMBER
    invitation.platform_error = None
    account.status = AccountStatus.ACTIVE
    account.updated_at = now
    await uow.session.flush()
    uow.record(
        "account",
        account.id,
        "dingtalk_joined",
        actor=actor,
        data={"invitation_id": invitation.id, "userid": userid, "status": account.status},
    )
    view = WelcomeView(account.name, invitation.role, await _scope(uow, invitation), policy.workbench_link)
    await uow.send(
        CardCreate(
            recipient=userid,
            out_track_id=f"welcome:{invitation.id}",
            template_id=WELCOME_CARD.id,
            card_data=welcome_card(view),
            source=f"membership_invitation:{invitation.id}",
        )
    )
    await deliver_waiting_cards(uow, account.id, userid)  # reviews and dockings assigned before they joined
    return True


async def _scope(uow: Transaction, invitation: MembershipInvitation) -> str:
    if invitation.institution_id is not None:
        return (
            await uow.session.scalar(select(Institution.name).where(Institution.id == invitation.institution_id)) or ""
        )
    return ""


async def _tell(uow: Transaction, invitation: MembershipInvitation, userid: str, msg: dict[str, object]) -> None:
    await uow.send(
        WorkNotice(
            recipient=userid, msg=msg, record=f"邀请 {invitation.id}", source=f"membership_invitation:{invitation.id}"
        )
    )
