"""需求公开: a docking demand offered to all or chosen institutions, and the one acceptance with its letter."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")
LIVE = "status IN ('open', 'accepted')"


class PublicationStatus(StrEnum):
    OPEN = "open"
    WITHDRAWN = "withdrawn"
    ACCEPTED = "accepted"


class PublicationAudience(StrEnum):
    ALL = "all"  # 全公开
    CHOSEN = "chosen"  # 指定机构公开


class DemandPublication(Base):
    __tablename__ = "demand_publications"
    # One live publication per demand; withdrawn ones stay as history.
    __table_args__ = (
        Index(
            "uq_demand_publications_live",
            "demand_id",
            unique=True,
            postgresql_where=text(LIVE),
            sqlite_where=text(LIVE),
        ),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    publisher_institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    audience: Mapped[PublicationAudience] = mapped_column(String(16))
    fee_ratio_bp: Mapped[int] = mapped_column(Integer)
    status: Mapped[PublicationStatus] = mapped_column(String(16), index=True)
    letter_version: Mapped[str] = mapped_column(String(32))
    published_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    published_at: Mapped[datetime]
    withdrawn_at: Mapped[datetime | None]
    accepted_institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    accepted_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    accepted_at: Mapped[datetime | None]
    letter_sha256: Mapped[str | None] = mapped_column(String(64))
    previous_staff_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))


class DemandPublicationTarget(Base):
    """An institution a "chosen" publication is offered to."""

    __tablename__ = "demand_publication_targets"

    publication_id: Mapped[int] = mapped_column(ForeignKey("demand_publications.id"), primary_key=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), primary_key=True, index=True)
