"""DingTalk membership invitations: adding a staff member, an institution admin or an official asks the
platform's organisation to take them in; the person accepts DingTalk's own join invitation."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, Index, String, text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID, Role


class InvitationStatus(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


class PlatformState(StrEnum):
    """Where DingTalk stands with the person, as the channel adapter last reported it."""

    QUEUED = "queued"  # the outbox message has not reached DingTalk yet
    JOIN_REQUESTED = "join_requested"  # user/create done: DingTalk's own join invitation awaits 同意
    MEMBER = "member"  # already an active member of the organisation
    FAILED = "failed"  # DingTalk refused for good (e.g. an invalid mobile); see platform_error


class MembershipInvitation(Base):
    __tablename__ = "membership_invitations"
    # One open invitation per person: a second role while one is pending rides on the same invitation.
    __table_args__ = (
        Index(
            "uq_membership_invitations_pending_account",
            "account_id",
            unique=True,
            sqlite_where=text("status = 'pending'"),
            postgresql_where=text("status = 'pending'"),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    role: Mapped[Role] = mapped_column(String(32))  # what they were invited as
    # The institution whose admin may revoke or resend it (staff and its admin); None for officials.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    title: Mapped[str] = mapped_column(String(64))  # the 职位 DingTalk shows
    status: Mapped[InvitationStatus] = mapped_column(String(16))
    platform_state: Mapped[PlatformState] = mapped_column(String(16))
    platform_error: Mapped[str | None] = mapped_column(String(200))
    dingtalk_userid: Mapped[str | None] = mapped_column(String(64), index=True)
    invited_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]
    expired_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))
    # The invitation this one renews (resend after expiry or revocation).
    renews_id: Mapped[int | None] = mapped_column(ForeignKey("membership_invitations.id"))
