"""Experts' field subscriptions (需求订阅) and the daily digest: its runs, messages and (expert, demand) pairs."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import BigInteger, Date, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class ExpertSubscription(Base):
    """One subscribed technical field of one expert (at any level; it covers the field's subtree)."""

    __tablename__ = "expert_subscriptions"
    __table_args__ = (UniqueConstraint("expert_id", "field_code"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    field_code: Mapped[str] = mapped_column(String(6), index=True)
    created_at: Mapped[datetime]


class DigestRunStatus:
    RUNNING = "running"
    FINISHED = "finished"
    PAUSED = "paused"  # the template channel hit the daily quota (45009): the rest waits for a rerun
    CAPPED = "capped"  # the daily cap from settings was reached
    FAILED = "failed"


class DigestRun(Base):
    """One row per business date: decides the catch-up at start-up and reports what a run did."""

    __tablename__ = "digest_runs"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    business_date: Mapped[date] = mapped_column(Date, unique=True)
    status: Mapped[str] = mapped_column(String(16))
    trigger: Mapped[str] = mapped_column(String(16))  # schedule / catch_up / manual / console
    instance: Mapped[str] = mapped_column(String(64))
    attempts: Mapped[int] = mapped_column(Integer)
    experts: Mapped[int] = mapped_column(Integer)  # messages enqueued, summed over every attempt of the date
    demands: Mapped[int] = mapped_column(Integer)  # pairs written
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class DigestMessage(Base):
    """The one template message of one expert on one business date (the page link opens its demands)."""

    __tablename__ = "digest_messages"
    __table_args__ = (UniqueConstraint("expert_id", "business_date"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"))
    business_date: Mapped[date] = mapped_column(Date)
    run_id: Mapped[int] = mapped_column(ForeignKey("digest_runs.id"))
    outbox_id: Mapped[int | None] = mapped_column(ID)
    openid: Mapped[str] = mapped_column(String(64))
    demand_count: Mapped[int] = mapped_column(Integer)
    first_title: Mapped[str] = mapped_column(String(100))
    # Demands approved from here on count for the expert: 7 days before their first digest, then kept.
    window_start: Mapped[datetime]
    created_at: Mapped[datetime]


class DigestPair(Base):
    """A demand sent to an expert: never again. Rows, not a time window, so a late commit is not missed."""

    __tablename__ = "digest_pairs"
    __table_args__ = (
        UniqueConstraint("expert_id", "demand_id"),
        Index("ix_digest_pairs_message", "digest_message_id"),
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    # No key to experts: the digest row it belongs to has one (a check per pair cost a third of the insert).
    expert_id: Mapped[int] = mapped_column(ID)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"))
    digest_message_id: Mapped[int] = mapped_column(ForeignKey("digest_messages.id"))
