"""Membership invitations the actor manages, newest first, with where DingTalk stands for each."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handlers.errors import InvalidInput
from handlers.membership.access import require_manager, visible_invitations
from handlers.membership.labels import PLATFORM_LABELS, STATUS_LABELS
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from store.models.membership import InvitationStatus, MembershipInvitation, PlatformState
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListMembershipInvitations:
    actor_id: int
    status: str | None = None
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class InvitationView:
    id: int
    account_id: int
    name: str
    mobile: str
    role: str
    title: str
    institution_id: int | None
    status: str  # pending, accepted, expired, revoked (a pending one past its expiry reads expired)
    platform_state: str
    platform_error: str | None
    dingtalk_userid: str | None
    created_at: datetime
    expires_at: datetime
    accepted_at: datetime | None
    revoked_at: datetime | None
    revoke_reason: str | None
    status_label: str  # 待加入, 已加入 … (labels)
    platform_state_label: str  # 待发送, 待同意 …


async def list_membership_invitations(cmd: ListMembershipInvitations, uow: UnitOfWork) -> Page[InvitationView]:
    req = cmd.page.checked()
    try:
        status = InvitationStatus(cmd.status) if cmd.status else None
    except ValueError:
        raise InvalidInput("邀请状态有误", code="invalid_status") from None
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_manager(actor)
        now = uow.clock.now()
        where = [visible_invitations(actor)]
        # The scheduler closes overdue invitations periodically; until it has, the list already says expired.
        if status == InvitationStatus.PENDING:
            where += [MembershipInvitation.status == status, MembershipInvitation.expires_at > now]
        elif status == InvitationStatus.EXPIRED:
            where.append(
                (MembershipInvitation.status == status)
                | ((MembershipInvitation.status == InvitationStatus.PENDING) & (MembershipInvitation.expires_at <= now))
            )
        elif status is not None:
            where.append(MembershipInvitation.status == status)
        total = await uow.session.scalar(select(func.count()).select_from(MembershipInvitation).where(*where))
        rows = await uow.session.execute(
            select(MembershipInvitation, Account.name, Account.mobile)
            .join(Account, Account.id == MembershipInvitation.account_id)
            .where(*where)
            .order_by(MembershipInvitation.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(_view(i, name, mobile, now) for i, name, mobile in rows)
    return Page(items, total or 0, req.page, req.page_size)


def _view(i: MembershipInvitation, name: str, mobile: str, now: datetime) -> InvitationView:
    status = InvitationStatus.EXPIRED if i.status == InvitationStatus.PENDING and i.expires_at <= now else i.status
    return InvitationView(
        i.id,
        i.account_id,
        name,
        mobile,
        i.role,
        i.title,
        i.institution_id,
        status,
        i.platform_state,
        i.platform_error,
        i.dingtalk_userid,
        i.created_at,
        i.expires_at,
        i.accepted_at,
        i.revoked_at,
        i.revoke_reason,
        STATUS_LABELS[InvitationStatus(status)],
        PLATFORM_LABELS[PlatformState(i.platform_state)],
    )
