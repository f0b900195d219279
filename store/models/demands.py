"""Demands (需求), their timeline, and the review engine's reviews and reviewer tasks."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base

ID = BigInteger().with_variant(Integer, "sqlite")


class DemandStatus(StrEnum):
    DRAFT = "draft"  # 草稿
    POOLED = "pooled"  # 待揭榜: an enterprise's demand waiting for an institution to take it up
    PENDING_REVIEW = "pending_review"  # 待审核
    RETURNED = "returned"  # 退回修改
    REJECTED = "rejected"  # 审核不通过
    DOCKING = "docking"  # 对接中
    PUBLISHED = "published"  # 已公开
    COMPLETED = "completed"  # 已完成
    CLOSED = "closed"  # 已关闭


class DemandOrigin(StrEnum):
    STAFF = "staff"
    ENTERPRISE = "enterprise"


class Demand(Base):
    __tablename__ = "demands"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    # The number people see (XQ2026-000123): gap-free per business year, from DemandNumberCounter.
    number: Mapped[str] = mapped_column(String(16), unique=True, index=True)
    title: Mapped[str] = mapped_column(String(100))
    enterprise_id: Mapped[int] = mapped_column(ForeignKey("enterprises.id"), index=True)
    origin: Mapped[DemandOrigin] = mapped_column(String(16))
    # None while an enterprise's demand waits in the pool; set by the institution that takes it up.
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"), index=True)
    centre_id: Mapped[int | None] = mapped_column(ForeignKey("centres.id"), index=True)
    staff_account_id: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"), index=True)
    created_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    tech_fields: Mapped[list[Any]] = mapped_column(JSON)
    description: Mapped[str] = mapped_column(Text)
    budget_fen: Mapped[int | None] = mapped_column(BigInteger)
    region_code: Mapped[str] = mapped_column(String(6), index=True)
    expected_result: Mapped[str] = mapped_column(Text)
    deadline: Mapped[date | None] = mapped_column(Date)
    fee_ratio_bp: Mapped[int] = mapped_column(Integer)
    attachment_ids: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[DemandStatus] = mapped_column(String(16), index=True)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class DemandNumberCounter(Base):
    """The last demand number given out in a business year; its row lock, held to the creating transaction's
    commit, makes the numbers gap-free (a rolled-back creation gives its number back)."""

    __tablename__ = "demand_number_counters"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    last: Mapped[int] = mapped_column(Integer)


class DemandEvent(Base):
    """One step of a demand's timeline: what happened, who did it, when."""

    __tablename__ = "demand_events"
    __table_args__ = (Index("ix_demand_events_action_at", "action", "at"),)  # monitoring: approvals in a period

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime]


class ReviewStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    RETURNED = "returned"
    WITHDRAWN = "withdrawn"


class Review(Base):
    """One round of a subject through a chain. A resubmission starts a new round (a new row)."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("subject_type", "subject_id", "round"),
        Index("ix_reviews_decided_at", "decided_at"),  # monitoring: reviews decided in a period
    )

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    chain: Mapped[str] = mapped_column(String(64))
    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[int] = mapped_column(ID)
    round: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text)  # the card's body line
    link: Mapped[str] = mapped_column(String(500))  # the subject's detail page
    institution_id: Mapped[int | None] = mapped_column(ForeignKey("institutions.id"))
    region_code: Mapped[str] = mapped_column(String(6))
    submitter_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    stage: Mapped[int] = mapped_column(Integer)  # index of the stage now deciding
    status: Mapped[ReviewStatus] = mapped_column(String(16), index=True)
    decided_by: Mapped[int | None] = mapped_column(ForeignKey("accounts.id"))
    decided_by_name: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    # The current stage's clock, the fold of the review's events (handlers/reviews/clock.py): a projection for
    # lists and the reminder job, rebuilt from `review_events` at will.
    clock_since: Mapped[date | None] = mapped_column(Date)
    clock_used: Mapped[int] = mapped_column(Integer, default=0)
    due_on: Mapped[date | None] = mapped_column(Date, index=True)


class ReviewEvent(Base):
    """What a review's clock is derived from: a stage opened, paused, resumed or closed (append only)."""

    __tablename__ = "review_events"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    at: Mapped[datetime]
    on_day: Mapped[date] = mapped_column(Date)  # the local business day of `at` (Settings.timezone)
    note: Mapped[str | None] = mapped_column(String(255))


class ReviewReminderMark(Base):
    """A reminder, overdue update or escalation sent for a task: unique per (task, kind, due date), written in
    the transaction that queues the messages, so two instances or a rerun never send one twice."""

    __tablename__ = "review_reminder_marks"
    __table_args__ = (UniqueConstraint("task_id", "kind", "due_on"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    task_id: Mapped[int] = mapped_column(ForeignKey("review_tasks.id"))
    kind: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    sent_at: Mapped[datetime]


class ReviewTask(Base):
    """A reviewer's card and to-do for one stage of a review."""

    __tablename__ = "review_tasks"
    __table_args__ = (UniqueConstraint("review_id", "stage", "reviewer_account_id"),)

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id"), index=True)
    stage: Mapped[int] = mapped_column(Integer)
    reviewer_account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"), index=True)
    userid: Mapped[str | None] = mapped_column(String(64))  # DingTalk; None: the reviewer has no binding
    out_track_id: Mapped[str] = mapped_column(String(128), unique=True)
    todo_outbox_id: Mapped[int | None] = mapped_column(ID)
    done: Mapped[bool]
    note: Mapped[str | None] = mapped_column(String(255))  # once decided: 「已由张三通过」
    created_at: Mapped[datetime]
