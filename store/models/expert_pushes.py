"""Expert pushes (专家推送, seed 004 §五.4): a demand sent to an expert as a WeChat template message."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Float, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base
from store.models.organisation import ID


class ExpertPushStatus(StrEnum):
    SENDING = "sending"  # written with its outbox message; the relay has not settled it yet
    ACCEPTED = "accepted"  # WeChat took the send (a msgid came back): this is what earns the point
    DELIVERED = "delivered"  # TEMPLATESENDJOBFINISH said success
    UNFOLLOWED = "unfollowed"  # the expert no longer follows the account (43004 or known before): never retried
    BLOCKED = "blocked"  # TEMPLATESENDJOBFINISH said the user blocks template messages: the point is withdrawn
    FAILED = "failed"  # any other permanent failure


class ExpertPush(Base):
    """One expert in one push batch; the score and its reasons are kept as they were shown to the staff."""

    __tablename__ = "expert_pushes"

    id: Mapped[int] = mapped_column(ID, primary_key=True, autoincrement=True)
    batch: Mapped[str] = mapped_column(String(32), index=True)
    demand_id: Mapped[int] = mapped_column(ForeignKey("demands.id"), index=True)
    expert_id: Mapped[int] = mapped_column(ForeignKey("experts.id"), index=True)
    pushed_by: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
    openid: Mapped[str] = mapped_column(String(64))  # the official account's openid it went to
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(JSON)
    status: Mapped[ExpertPushStatus] = mapped_column(String(16))
    outbox_message_id: Mapped[int | None] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    msg_id: Mapped[str | None] = mapped_column(String(64))  # WeChat's msgid once accepted
    error: Mapped[str | None] = mapped_column(String(255))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]
