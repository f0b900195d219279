"""Expert invitations (seed 004 §十): an SMS with a temporary QR scene, the follow that scene brings,
then the mini-program binding by phone number."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class ExpertInvitationStatus(StrEnum):
    PENDING = "pending"  # written with the expert; the QR code and the SMS follow through the outbox
    FOLLOWED = "followed"  # the QR scene came back with a follow or a scan
    BOUND = "bound"  # the mini-program is bound to the account
    EXPIRED = "expired"  # the QR code lapsed before the binding


class ExpertInvitation(Base):
    __tablename__ = "expert_invitations"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))  # named in the SMS
    # The QR scene (scene_str, ≤64 characters), random so that nobody can guess another person's.
    scene: Mapped[str] = mapped_column(String(64), unique=True)
    status: Mapped[ExpertInvitationStatus] = mapped_column(String(16))
    qr_ticket: Mapped[str | None] = mapped_column(String(256))
    qr_url: Mapped[str | None] = mapped_column(String(256))
    # The official account's openid of whoever followed with the scene (not the mini-program's openid).
    official_openid: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]  # the QR code's own expiry
    followed_at: Mapped[datetime | None]
    bound_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
