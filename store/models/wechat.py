"""WeChat followers and the inbox of pushes that had an effect."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from store.base import Base


class WeChatFollower(Base):
    """One follower of one official account; unfollowing keeps the row so every push can be refused."""

    __tablename__ = "wechat_followers"
    __table_args__ = (UniqueConstraint("app_id", "openid"),)

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    app_id: Mapped[str] = mapped_column(String(64))
    openid: Mapped[str] = mapped_column(String(64))
    unionid: Mapped[str | None] = mapped_column(String(64))
    subscribed: Mapped[bool] = mapped_column(Boolean)
    # The QR scene of the latest follow or scan, e.g. "inv:42" for an invitation.
    scene: Mapped[str | None] = mapped_column(String(128))
    followed_at: Mapped[datetime | None]
    unfollowed_at: Mapped[datetime | None]
    # Why pushes stopped: "unsubscribe" event, or the platform's 43004 at send time.
    unfollow_reason: Mapped[str | None] = mapped_column(String(32))
    # The platform called this openid invalid for the account (40003): usually an openid of another
    # app, not a person who left, so nothing is erased; pushes stop until a follow event proves it.
    binding_error: Mapped[str | None] = mapped_column(String(32))
    binding_error_at: Mapped[datetime | None]
    # The platform's time (CreateTime) of the latest follow event applied: pushes arrive out of order
    # across instances and deadlines, and an older one must not undo a newer one.
    last_event_at: Mapped[datetime | None]
    updated_at: Mapped[datetime]


class WeChatInbox(Base):
    """A push that was acted upon; its unique key is inserted in the effect's own transaction."""

    __tablename__ = "wechat_inbox"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(191), unique=True)
    kind: Mapped[str] = mapped_column(String(32))
    received_at: Mapped[datetime]


class WeChatTemplateReport(Base):
    """A job report (TEMPLATESENDJOBFINISH) that came before we had recorded its msgid: kept until the relay
    records the msgid of the message it names, then applied and deleted. WeChat is not documented to resend
    a report it got an error for, so a report is never refused for being early."""

    __tablename__ = "wechat_template_reports"

    msg_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Our delivery status (delivered, user_block, system_failed, failed:…), as the report words it.
    delivery_status: Mapped[str] = mapped_column(String(32))
    reported_at: Mapped[datetime]
