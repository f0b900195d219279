"""Outbox rows: enqueue in the caller's transaction; claim, settle and replay for the relay and the CLI."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import exists, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import aliased

from store.base import table_of
from store.models.outbox import OutboxMessage, OutboxStatus


class Message(Protocol):
    """What `uow.send` takes: a message of `cards.outbound` (the store knows no channel, only this shape)."""

    @property
    def channel(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def platform_key(self) -> str | None: ...
    @property
    def ordering_key(self) -> str | None: ...
    @property
    def source(self) -> str | None: ...
    def to_payload(self) -> dict[str, Any]: ...


@dataclass(frozen=True)
class Outgoing:
    """A message as its outbox row holds it (what the channel adapter reads back)."""

    channel: str
    recipient: str
    payload: dict[str, Any]
    source: str | None = None
    ordering_key: str | None = None
    platform_key: str | None = None

    @classmethod
    def of(cls, message: Message) -> Outgoing:
        return cls(
            str(message.channel),
            message.recipient,
            message.to_payload(),
            message.source,
            message.ordering_key,
            message.platform_key,
        )


async def enqueue(session: AsyncSession, message: Outgoing, *, now: datetime) -> int:
    row = OutboxMessage(
        channel=message.channel,
        recipient=message.recipient,
        payload=message.payload,
        platform_key=message.platform_key,
        ordering_key=message.ordering_key,
        source=message.source,
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    await session.flush()
    return row.id


# A Core INSERT built once: the parameters of every message go with one execution (one statement on the wire).
_INSERT_MANY = insert(table_of(OutboxMessage))


async def enqueue_many(session: AsyncSession, messages: Sequence[Outgoing], *, now: datetime) -> None:
    """One multi-row INSERT for every message, in the order given (their ids follow it)."""
    if not messages:
        return
    await session.execute(
        _INSERT_MANY,
        [
            {
                "channel": m.channel,
                "recipient": m.recipient,
                "payload": m.payload,
                "platform_key": m.platform_key,
                "ordering_key": m.ordering_key,
                "source": m.source,
                "status": OutboxStatus.PENDING,
                "attempts": 0,
                "next_attempt_at": now,
                "created_at": now,
                "updated_at": now,
            }
            for m in messages
        ],
    )


@dataclass(frozen=True)
class Keyed:
    """One message of an ordering key, as it stands when another message of that key is claimed."""

    id: int
    channel: str
    payload: dict[str, Any]
    status: OutboxStatus
    provider_message_id: str | None
    recipient: str = ""
    platform_key: str | None = None
    source: str | None = None


@dataclass(frozen=True)
class Claimed:
    id: int
    channel: str
    recipient: str
    payload: dict[str, Any]
    platform_key: str | None
    attempts: int
    claim_expires_at: datetime
    # True when an earlier claim expired without a result: the provider may already have it.
    reclaimed: bool
    ordering_key: str | None = None
    # Every message with the same ordering key, this one included, oldest first.
    keyed: tuple[Keyed, ...] = ()
    source: str | None = None


_due = or_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.status == OutboxStatus.SENDING)
_earlier = aliased(OutboxMessage)
# A message waits while an earlier one with its ordering key is still to be sent (a dead one no longer holds it).
_held = exists().where(
    _earlier.ordering_key == OutboxMessage.ordering_key,
    _earlier.id < OutboxMessage.id,
    _earlier.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING]),
)


async def claim_due(
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    relay_id: str,
    now: datetime,
    limit: int,
    lease_seconds: float,
    channels: Sequence[str],
) -> list[Claimed]:
    """Claim due rows for one relay. Rows locked by another relay are skipped, so two relays
    never hold the same row; an expired claim (a relay that died) is taken over. A row is not claimed while an
    earlier row with its ordering key waits or is being sent; a claimed row comes with every row of its key."""
    expires = now + timedelta(seconds=lease_seconds)
    async with sessionmaker() as session, session.begin():
        rows = (
            (
                await session.execute(
                    select(OutboxMessage)
                    .where(_due, OutboxMessage.next_attempt_at <= now, OutboxMessage.channel.in_(channels), ~_held)
                    .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            .scalars()
            .all()
        )
        if not rows:
            return []
        keys = {r.ordering_key for r in rows if r.ordering_key is not None}
        keyed: dict[str, list[Keyed]] = {}
        if keys:
            for k in (
                await session.execute(
                    select(
                        OutboxMessage.ordering_key,
                        OutboxMessage.id,
                        OutboxMessage.channel,
                        OutboxMessage.payload,
                        OutboxMessage.status,
                        OutboxMessage.provider_message_id,
                        OutboxMessage.recipient,
                        OutboxMessage.platform_key,
                        OutboxMessage.source,
                    )
                    .where(OutboxMessage.ordering_key.in_(keys))
                    .order_by(OutboxMessage.id)
                )
            ).all():
                keyed.setdefault(k.ordering_key, []).append(
                    Keyed(
                        k.id,
                        k.channel,
                        k.payload,
                        OutboxStatus(k.status),
                        k.provider_message_id,
                        k.recipient,
                        k.platform_key,
                        k.source,
                    )
                )
        claimed = [
            Claimed(
                id=r.id,
                channel=r.channel,
                recipient=r.recipient,
                payload=r.payload,
                platform_key=r.platform_key,
                attempts=r.attempts + 1,
                claim_expires_at=expires,
                reclaimed=r.status == OutboxStatus.SENDING,
                ordering_key=r.ordering_key,
                keyed=tuple(keyed.get(r.ordering_key, ())) if r.ordering_key is not None else (),
                source=r.source,
            )
            for r in rows
        ]
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_([r.id for r in rows]))
            .values(
                status=OutboxStatus.SENDING,
                claimed_by=relay_id,
                claim_expires_at=expires,
                next_attempt_at=expires,
                attempts=OutboxMessage.attempts + 1,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return claimed


async def _settle(sessionmaker: async_sessionmaker[AsyncSession], row_id: int, relay_id: str, **values: Any) -> bool:
    """Write a result only while our claim still stands; False means another relay took over."""
    async with sessionmaker() as session, session.begin():
        result = await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id == row_id,
                OutboxMessage.claimed_by == relay_id,
                OutboxMessage.status == OutboxStatus.SENDING,
            )
            .values(claimed_by=None, claim_expires_at=None, **values)
            .execution_options(synchronize_session=False)
        )
        return bool(getattr(result, "rowcount", 0))


async def mark_sent(
    sessionmaker: async_sessionmaker[AsyncSession],
    row_id: int,
    relay_id: str,
    *,
    provider_message_id: str | None,
    delivery_status: str | None,
    now: datetime,
) -> bool:
    return await _settle(
        sessionmaker,
        row_id,
        relay_id,
        status=OutboxStatus.SENT,
        provider_message_id=provider_message_id,
        # A report applied already stands: a channel may record the provider's id before the relay
        # settles, and the provider's report on it can come in between.
        delivery_status=func.coalesce(OutboxMessage.delivery_status, delivery_status),
        sent_at=now,
        updated_at=now,
    )


async def mark_retry(
    sessionmaker: async_sessionmaker[AsyncSession],
    row_id: int,
    relay_id: str,
    *,
    error: str,
    next_attempt_at: datetime,
    now: datetime,
    count_attempt: bool = True,
) -> bool:
    values: dict[str, Any] = {
        "status": OutboxStatus.PENDING,
        "last_error": error,
        "next_attempt_at": next_attempt_at,
        "updated_at": now,
    }
    if not count_attempt:
        # Deferred by our own limits, not tried at the provider: the attempt does not count.
        values["attempts"] = OutboxMessage.attempts - 1
    return await _settle(sessionmaker, row_id, relay_id, **values)


async def mark_dead(
    sessionmaker: async_sessionmaker[AsyncSession],
    row_id: int,
    relay_id: str,
    *,
    reason: str,
    now: datetime,
) -> bool:
    return await _settle(
        sessionmaker,
        row_id,
        relay_id,
        status=OutboxStatus.DEAD,
        dead_reason=reason,
        last_error=reason,
        updated_at=now,
    )


async def update_delivery_status(
    session: AsyncSession, *, channel: str, provider_message_id: str, delivery_status: str, now: datetime
) -> bool:
    """Record a provider's later report (a receipt, a job-finish event) on the message it names."""
    result = await session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.channel == channel,
            OutboxMessage.provider_message_id == provider_message_id,
        )
        .values(delivery_status=delivery_status, updated_at=now)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def list_messages(
    session: AsyncSession,
    *,
    status: OutboxStatus | None = None,
    channel: str | None = None,
    limit: int = 50,
) -> Sequence[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if status is not None:
        query = query.where(OutboxMessage.status == status)
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    return (await session.execute(query)).scalars().all()


async def replay_dead(
    session: AsyncSession, *, ids: Sequence[int] | None, channel: str | None, now: datetime
) -> list[int]:
    """Put dead letters back in the queue with a fresh attempt budget; their last error stays."""
    query = select(OutboxMessage.id).where(OutboxMessage.status == OutboxStatus.DEAD)
    if ids:
        query = query.where(OutboxMessage.id.in_(list(ids)))
    if channel is not None:
        query = query.where(OutboxMessage.channel == channel)
    replayed = list((await session.execute(query.with_for_update())).scalars().all())
    if replayed:
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(replayed))
            .values(
                status=OutboxStatus.PENDING,
                attempts=0,
                dead_reason=None,
                next_attempt_at=now,
                updated_at=now,
            )
            .execution_options(synchronize_session=False)
        )
    return replayed


async def depth_by_channel(session: AsyncSession) -> dict[tuple[str, str], int]:
    rows = await session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count())
        .where(OutboxMessage.status != OutboxStatus.SENT)
        .group_by(OutboxMessage.channel, OutboxMessage.status)
    )
    return {(channel, str(status)): int(count) for channel, status, count in rows.all()}
