"""Invitation codes (seed 000 §一.4, §二.3): an institution hands a short code to technology managers, who
enter it to bind themselves to the institution; every use is kept, once per account."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class InvitationPurpose(StrEnum):
    """What entering the code makes of the person in the institution."""

    TECHNOLOGY_MANAGER = "technology_manager"


class InvitationCode(Base):
    __tablename__ = "invitation_codes"
    # The redeem UPDATE already keeps uses within max_uses; the check makes a bug an error, not an overrun.
    __table_args__ = (CheckConstraint("uses >= 0 AND uses <= max_uses", name="uses_within_max"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    purpose: Mapped[InvitationPurpose] = mapped_column(String(32))
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    max_uses: Mapped[int] = mapped_column(Integer)
    uses: Mapped[int] = mapped_column(Integer)
    revoked_at: Mapped[datetime | None]
    revoked_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    revoke_reason: Mapped[str | None] = mapped_column(String(200))


class InvitationRedemption(Base):
    """One account's use of one code; the unique pair makes a second entry of the same code no second use."""

    __tablename__ = "invitation_redemptions"
    __table_args__ = (UniqueConstraint("invitation_code_id", "account_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    invitation_code_id: Mapped[int] = mapped_column(ForeignKey("invitation_codes.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    # Copied from the code so "who is bound to this institution" needs no join.
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    purpose: Mapped[InvitationPurpose] = mapped_column(String(32))
    used_at: Mapped[datetime]
