"""Follow-ups on a demand in docking, and what the reminder job already sent for the current silence."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation_people import FollowUpKind

ID = BigInteger().with_variant(Integer, "sqlite")


class DemandFollowUp(Base):
    __tablename__ = "demand_follow_ups"
    __table_args__ = (Index("ix_demand_follow_ups_kind_occurred_at", "kind", "occurred_at"),)  # monitoring: visits

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)  # who recorded it
    kind: Mapped[FollowUpKind] = mapped_column(String(16), index=True)  # visits are counted by monitoring
    occurred_at: Mapped[datetime]
    content: Mapped[str] = mapped_column(Text)
    attachment_ids: Mapped[list[Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class FollowUpReminder(Base):
    """One row per demand: the silence it belongs to (`anchor_at`) and when the reminder and escalation went out.

    Written in the same transaction as the outbox message, under the demand's row lock, so a restart or a
    second instance never sends the same one twice."""

    __tablename__ = "follow_up_reminders"

    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), primary_key=True, autoincrement=False)
    anchor_at: Mapped[datetime]
    reminded_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    next_check_at: Mapped[datetime | None]
