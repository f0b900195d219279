"""The inbox of acted-upon DingTalk pushes (card presses, events): a unique business key written in the
same transaction as the effect, so a repeat or a redelivery to any instance has no second effect.

The statements are Core, built once per backend: a card press runs them on its ack path."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from store.base import table_of
from store.db import insert_new
from store.models.dingtalk import DingTalkInbound

_INBOUND = table_of(DingTalkInbound)
_REPLY = update(_INBOUND).where(_INBOUND.c.id == bindparam("claim_id")).values(reply=bindparam("reply"))
_FIRST_REPLY = select(_INBOUND.c.reply).where(_INBOUND.c.key == bindparam("key"))


async def claim_inbound(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    message_id: str,
    now: datetime,
    reply: dict[str, Any] | None = None,
) -> int | None:
    """The claim's id the first time `key` is seen; give the reply here when it is known, else with
    `settle_inbound` before committing.

    Call it first in the transaction, before the effect. One INSERT … ON CONFLICT DO NOTHING: a claim held by
    a transaction not yet committed makes this one wait for its outcome. None means a repeat of a push already
    acted upon; the transaction stays usable (to read the first reply) and must write nothing else."""
    claimed: int | None = await session.scalar(
        insert_new(session, DingTalkInbound),
        {"key": key, "kind": kind, "message_id": message_id[:128], "reply": reply or {}, "created_at": now},
    )
    return claimed


async def settle_inbound(session: AsyncSession, claim_id: int, reply: dict[str, Any]) -> None:
    """The answer the claimed push was given, kept with its key."""
    await session.execute(_REPLY, {"claim_id": claim_id, "reply": reply})


async def first_reply(session: AsyncSession, key: str) -> dict[str, object]:
    """The answer given when `key` was first acted upon (empty if unknown)."""
    reply = await session.scalar(_FIRST_REPLY, {"key": key})
    return dict(reply) if isinstance(reply, dict) else {}
