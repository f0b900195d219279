"""The expert's own pages: the technologies they publish and their dockings to demands."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class TechnologyStatus(StrEnum):
    PUBLISHED = "published"
    WITHDRAWN = "withdrawn"


class ExpertTechnology(Base):
    """技术发布: a result of the expert's that industry can use."""

    __tablename__ = "expert_technologies"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    title: Mapped[str] = mapped_column(String(100))
    field_codes: Mapped[list[Any]] = mapped_column(JSON)
    summary: Mapped[str] = mapped_column(Text)
    maturity: Mapped[str] = mapped_column(String(16))
    cooperation_mode: Mapped[str] = mapped_column(String(24))
    status: Mapped[TechnologyStatus] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DockingStatus(StrEnum):
    DOCKED = "docked"
    CANCELLED = "cancelled"


class ExpertDocking(Base):
    """对接该需求: one row per expert and demand; docking again after a cancel re-opens the same row."""

    __tablename__ = "expert_dockings"
    __table_args__ = (UniqueConstraint("expert_id", "demand_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    status: Mapped[DockingStatus] = mapped_column(String(16))
    # How many times docked: each docking is a fresh card (DingTalk refuses a second card on one outTrackId).
    rounds: Mapped[int] = mapped_column(Integer)
    # The docking staff member's card for the current round; None when they have no DingTalk binding.
    card_out_track_id: Mapped[str | None] = mapped_column(String(128))
    card_userid: Mapped[str | None] = mapped_column(String(64))
    communicated_at: Mapped[datetime | None]  # 标记已沟通 for the current round
    docked_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
