"""Outbound messages, written in the transaction of the change that causes them."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class OutboxStatus(StrEnum):
    PENDING = "pending"  # waiting for its next attempt
    SENDING = "sending"  # claimed by a relay until claim_expires_at
    SENT = "sent"  # the provider accepted it
    DEAD = "dead"  # permanent error or attempts exhausted; replayable


class OutboxMessage(Base):
    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_ordering", "ordering_key", "id"),
        # A provider's later report (a receipt, a job-finish event) finds its message by the provider's id.
        Index("ix_outbox_provider_message_id", "provider_message_id"),
    )

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    channel: Mapped[str] = mapped_column(String(64))
    recipient: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    # The platform's idempotency key where the channel offers one (outTrackId, client_msg_id).
    platform_key: Mapped[str | None] = mapped_column(String(128))
    # Messages with the same key (one DingTalk card, one to-do) go out in the order they were written: the relay
    # claims none while an earlier one with its key waits or is being sent, and hands it the others at sending.
    ordering_key: Mapped[str | None] = mapped_column(String(160))
    # What caused it, e.g. "demand:42", so a timeline can show what was sent.
    source: Mapped[str | None] = mapped_column(String(128))
    status: Mapped[OutboxStatus] = mapped_column(String(16), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime]
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claim_expires_at: Mapped[datetime | None]
    provider_message_id: Mapped[str | None] = mapped_column(String(128))
    # Delivery status reported back by the provider after acceptance (receipts, job-finish events).
    delivery_status: Mapped[str | None] = mapped_column(String(32))
    last_error: Mapped[str | None] = mapped_column(Text)
    dead_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
