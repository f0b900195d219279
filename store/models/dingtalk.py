"""Inbound DingTalk callbacks already handled: the dedupe key is written in the transaction of the effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class DingTalkInbound(Base):
    __tablename__ = "dingtalk_inbound"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    # A business key (card, presser, action, params; or the event id), not the frame's messageId:
    # a press repeated from the phone arrives with a new messageId and must still have no second effect.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # card_action, event
    message_id: Mapped[str] = mapped_column(String(128))
    # The answer given the first time, kept for diagnosis; a repeat is answered with a tip only, since
    # replaying this cardData could roll the shared card back to an older state.
    reply: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]


class DingTalkContactEvent(Base):
    """A contact event (a member joined, activated, left), kept before it is acknowledged and applied after:
    the ack waits on nothing but this row, and an event that could not be applied — a payload of a shape we do
    not know, a lookup that kept failing — stays here, with its raw payload, to be replayed."""

    __tablename__ = "dingtalk_contact_events"
    __table_args__ = (Index("ix_dingtalk_contact_events_status", "status"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    event_type: Mapped[str] = mapped_column(String(64))
    event_id: Mapped[str] = mapped_column(String(128))
    message_id: Mapped[str] = mapped_column(String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)  # the frame's data as DingTalk sent it
    status: Mapped[str] = mapped_column(String(16))  # pending, done, unreadable, failed
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    processed_at: Mapped[datetime | None]
