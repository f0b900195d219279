"""Inbound DingTalk callbacks already handled: the dedupe key is written in the transaction of the effect."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class DingTalkInbound(Base):
    __tablename__ = "dingtalk_inbound"

    id: Mapped[int] = mapped_column(
        BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True
    )
    # A business key (card, presser, action, params; or the event id), not the frame's messageId:
    # a press repeated from the phone arrives with a new messageId and must still have no second effect.
    key: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # card_action, event
    message_id: Mapped[str] = mapped_column(String(128))
    # The answer given the first time, kept for diagnosis; a repeat is answered with a tip only, since
    # replaying this cardData could roll the shared card back to an older state.
    reply: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime]
