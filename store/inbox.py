"""The inbox of acted-upon inbound events (card presses, contact events, WeChat pushes, REST decisions): a unique
business key written in the transaction of the effect, so a repeat or a redelivery to any instance has no second
effect. `UnitOfWork.claim` is the one way in.

Two tables keep the keys: DingTalk's pushes, and the REST decisions that race with its card presses, keep the
first reply with their key (dingtalk_inbound, for the repeat's answer and for diagnosis); WeChat's pushes keep
the key only (wechat_inbox, pruned after a week: WeChat retries within seconds). The statements are Core, built
once per backend: a card press runs them on its ack path."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import table_of
from store.db import insert_new
from store.models.dingtalk import DingTalkInbound
from store.models.wechat import WeChatInbox


class Inbound(StrEnum):
    """What arrived; it decides the table its key goes to."""

    CARD_ACTION = "card_action"  # a DingTalk card button
    CONTACT_EVENT = "event"  # a DingTalk contact event
    REVIEW_DECISION = "review_decision"  # the REST review decision, the card press's twin
    SUBSCRIBE = "subscribe"  # WeChat …
    SCAN = "scan"
    UNSUBSCRIBE = "unsubscribe"
    TEMPLATE_FINISH = "template_finish"
    BIND_REQUEST = "bind_request"

    @property
    def keeps_reply(self) -> bool:
        return self in _WITH_REPLY


_WITH_REPLY = frozenset({Inbound.CARD_ACTION, Inbound.CONTACT_EVENT, Inbound.REVIEW_DECISION})
_INBOUND = table_of(DingTalkInbound)
_REPLY = update(_INBOUND).where(_INBOUND.c.key == bindparam("claim_key")).values(reply=bindparam("reply"))
_FIRST_REPLY = select(_INBOUND.c.reply).where(_INBOUND.c.key == bindparam("claim_key"))
KEY_MAX = {True: 64, False: 191}  # the key column's width in each table (business keys fit; longer ones are cut)


def _stored(key: str, keeps_reply: bool) -> str:
    """The key as its table keeps it: the claim, the reply kept with it and the lookup of that reply must agree."""
    return key[: KEY_MAX[keeps_reply]]


async def claim(session: AsyncSession, key: str, kind: Inbound, *, now: datetime, message_id: str = "") -> bool:
    """True the first time `key` is seen. One INSERT … ON CONFLICT DO NOTHING: a claim held by a transaction not
    yet committed makes this one wait for its outcome. False means a repeat of an event already acted upon; the
    transaction stays usable (to read what the first answer was) and must write nothing else."""
    key = _stored(key, kind.keeps_reply)
    if kind.keeps_reply:
        row: dict[str, object] = {
            "key": key,
            "kind": kind.value,
            "message_id": message_id[:128],
            "reply": {},
            "created_at": now,
        }
        claimed = await session.scalar(insert_new(session, DingTalkInbound), row)
    else:
        claimed = await session.scalar(
            insert_new(session, WeChatInbox), {"key": key, "kind": kind.value, "received_at": now}
        )
    return claimed is not None


async def keep_reply(session: AsyncSession, key: str, reply: dict[str, Any]) -> None:
    """The answer the claimed event was given, kept with its key (kinds that keep a reply)."""
    await session.execute(_REPLY, {"claim_key": _stored(key, True), "reply": reply})


async def first_reply(session: AsyncSession, key: str) -> dict[str, object]:
    """The answer given when `key` was first acted upon (empty if unknown)."""
    reply = await session.scalar(_FIRST_REPLY, {"claim_key": _stored(key, True)})
    return dict(reply) if isinstance(reply, dict) else {}
