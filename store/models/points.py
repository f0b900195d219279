"""Contribution points: an append-only log of point-relevant facts and the ledger derived from it.

Events are the truth; entries are derived from them by a versioned rule set and can be deleted and
replayed (`kezhuan points rebuild`). Neither table is updated in normal operation: a withdrawn credit is
a new negative entry.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class PointEventKind(StrEnum):
    DEMAND_APPROVED = "demand_approved"
    EXPERT_PUSH_ACCEPTED = "expert_push_accepted"
    EXPERT_PUSH_BLOCKED = "expert_push_blocked"
    PROJECT_REGISTERED = "project_registered"


class PointEvent(Base):
    """One fact, once: `fact_key` (kind + subject, e.g. "expert_push_accepted:push:7") makes a repeated
    report a no-op. The credited account's institution and centre are those at the time of the fact."""

    __tablename__ = "point_events"
    # Monitoring's period scans (migration 0028): facts of a kind in a period, and any fact in a period.
    __table_args__ = (
        Index("ix_point_events_kind_occurred_at", "kind", "occurred_at"),
        Index("ix_point_events_occurred_at", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    kind: Mapped[PointEventKind] = mapped_column(String(32))
    fact_key: Mapped[str] = mapped_column(String(96), unique=True)
    demand_id: Mapped[int | None] = mapped_column(ID, index=True)  # no FK: demands live in another flow
    expert_id: Mapped[int | None] = mapped_column(ForeignKey("experts.id"))
    push_id: Mapped[int | None] = mapped_column(ID, index=True)
    project_id: Mapped[int | None] = mapped_column(ID)
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"))
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"))
    occurred_at: Mapped[datetime]
    recorded_at: Mapped[datetime]


class PointEntry(Base):
    """A ledger line: points (negative for a compensation) for one event under one rule-set version.

    `once_key` names the distinct thing that earns at most once (a (demand, expert) pair); unique per
    version, so two concurrent repeats cannot both earn."""

    __tablename__ = "point_entries"
    __table_args__ = (
        UniqueConstraint("event_id", "rule_set_version"),
        UniqueConstraint("once_key", "rule_set_version"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("point_events.id"), index=True)
    rule_set_version: Mapped[int] = mapped_column(Integer)
    points: Mapped[int] = mapped_column(Integer)
    reason: Mapped[str] = mapped_column(String(32))  # the rule that produced it: a kind, or "compensation"
    once_key: Mapped[str | None] = mapped_column(String(96))
    compensates_entry_id: Mapped[int | None] = mapped_column(ForeignKey("point_entries.id"))
    account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    institution_id: Mapped[int] = mapped_column(ForeignKey("institutions.id"), index=True)
    centre_id: Mapped[int] = mapped_column(ForeignKey("centres.id"), index=True)
    created_at: Mapped[datetime]


class PointDay(Base):
    """The ledger summed per UTC day of the fact and per institution and centre credited: what the monitors read
    for whole days of a long period (handlers/points/daily.py). Derived, never the truth: written in the
    transaction that records the fact, and rebuilt from the events and entries by the same SQL at any time
    (a points rebuild does it); tests compare it with a recomputation from the rows.

    `deals` and `demands_found` count the project_registered and demand_approved facts naming a project or a
    demand: one fact per demand of each kind (`fact_key`), a project per demand, so no key is counted twice."""

    __tablename__ = "point_days"

    day: Mapped[date] = mapped_column(Date, primary_key=True)  # the UTC day of the fact's occurred_at
    institution_id: Mapped[int] = mapped_column(ID, primary_key=True)
    centre_id: Mapped[int] = mapped_column(ID, primary_key=True)
    points: Mapped[int] = mapped_column(BigInteger)
    deals: Mapped[int] = mapped_column(Integer)
    demands_found: Mapped[int] = mapped_column(Integer)
