"""The outbox relay: claims due rows, delivers them through channel adapters, settles the result."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import metrics
from bot.channels.base import (
    Channel,
    ChannelPaused,
    Deferred,
    Delivered,
    OutboundMessage,
    PermanentError,
    Related,
    TransientError,
)
from bot.coordination import Coordination
from bot.settings import OutboxSettings
from handlers.clock import Clock
from store import outbox
from store.outbox import Claimed

log = logging.getLogger(__name__)


class Relay:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        channels: dict[str, Channel],
        coordination: Coordination,
        clock: Clock,
        settings: OutboxSettings,
        timezone: ZoneInfo,
        relay_id: str | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.channels = channels
        self.coordination = coordination
        self.clock = clock
        self.settings = settings
        self.timezone = timezone
        self.relay_id = relay_id or f"relay-{uuid.uuid4().hex[:12]}"
        self._slots = asyncio.Semaphore(settings.concurrency)
        # Pauses this relay learnt itself, checked again right before each call so that sends
        # queued behind the one that hit the quota never reach the provider.
        self._paused: dict[str, datetime] = {}

    async def run(self, stop: asyncio.Event) -> None:
        log.info("relay started", extra={"relay_id": self.relay_id, "channels": sorted(self.channels)})
        while not stop.is_set():
            try:
                handled = await self.run_once()
            except Exception:
                log.exception("relay batch failed", extra={"relay_id": self.relay_id})
                handled = 0
            if handled < self.settings.batch_size:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=self.settings.poll_interval_seconds)

    async def run_once(self) -> int:
        if not self.channels:
            return 0
        claimed = await outbox.claim_due(
            self.sessionmaker,
            relay_id=self.relay_id,
            now=self.clock.now(),
            limit=self.settings.batch_size,
            lease_seconds=self.settings.lease_seconds,
            channels=sorted(self.channels),
        )
        # Pauses other relays learnt are read once per batch and channel, not once per message.
        for channel in {row.channel for row in claimed}:
            shared = await self.coordination.get(f"paused:{channel}")
            if shared is not None:
                until = datetime.fromisoformat(shared)
                self._paused[channel] = max(until, self._paused.get(channel, until))
        await asyncio.gather(*(self._deliver_guarded(row) for row in claimed))
        return len(claimed)

    async def _deliver_guarded(self, row: Claimed) -> None:
        async with self._slots:
            try:
                await self._deliver(row)
            except Exception:
                # Settling failed (database away): the claim lapses and another pass retries it.
                log.exception("relay could not settle a message", extra={"outbox_id": row.id})

    async def _deliver(self, row: Claimed) -> None:
        channel = self.channels[row.channel]
        if row.reclaimed and row.platform_key is None:
            # The earlier claim ended without a result: the provider may have it already.
            metrics.outbox_possible_duplicates.labels(row.channel).inc()
        limits = self.settings.limits_for(row.channel)
        while True:
            paused_until = self._paused.get(row.channel)
            if paused_until is not None and paused_until > self.clock.now():
                await self._defer(row, "paused", paused_until)
                return
            wait = await self.coordination.admit(
                bucket=f"channel:{row.channel}",
                per_second=limits.per_second,
                counter=f"daily:{row.channel}",
                period=self.clock.now().astimezone(self.timezone).date().isoformat(),
                cap=limits.daily_cap,
                now=self.clock.now(),
            )
            if wait is None:
                await self._defer(row, "daily_cap", self._next_local_midnight())
                return
            if wait == 0:
                break
            await self.clock.sleep(wait)
        if self.clock.now() + timedelta(seconds=self.settings.send_timeout_seconds) >= row.claim_expires_at:
            # Queued here too long: the claim could lapse mid-send and another relay take the row.
            await outbox.mark_retry(
                self.sessionmaker,
                row.id,
                self.relay_id,
                error="claim ran short before sending",
                next_attempt_at=self.clock.now(),
                now=self.clock.now(),
                count_attempt=False,
            )
            return
        message = OutboundMessage(
            id=row.id,
            channel=row.channel,
            recipient=row.recipient,
            payload=row.payload,
            platform_key=row.platform_key,
            attempt=row.attempts,
            related=tuple(
                Related(
                    k.id,
                    k.channel,
                    k.payload,
                    str(k.status),
                    k.provider_message_id,
                    k.recipient,
                    k.platform_key,
                    row.ordering_key,
                    k.source,
                )
                for k in row.keyed
            ),
            ordering_key=row.ordering_key,
            source=row.source,
        )
        try:
            async with asyncio.timeout(self.settings.send_timeout_seconds):
                result = await channel.send(message)
        except PermanentError as exc:
            metrics.outbox_failures.labels(row.channel, "permanent").inc()
            await self._dead(row, exc.reason)
        except Deferred as exc:
            await self._defer(row, "recipient_limit", exc.until)
        except ChannelPaused as exc:
            metrics.channel_paused.labels(row.channel).inc()
            log.error(
                "channel paused by provider",
                extra={"channel": row.channel, "reason": exc.reason, "until": exc.until.isoformat()},
            )
            self._paused[row.channel] = exc.until
            ttl = max(1.0, (exc.until - self.clock.now()).total_seconds())
            await self.coordination.put(f"paused:{row.channel}", exc.until.isoformat(), ttl_seconds=ttl)
            await self._defer(row, "paused", exc.until)
        except TransientError as exc:
            await self._retry(row, exc.reason, exc.retry_after)
        except Exception as exc:  # an adapter bug or a timeout: retried, never lost
            await self._retry(row, f"{type(exc).__name__}: {exc}", None)
        else:
            await self._sent(row, result)

    async def _sent(self, row: Claimed, result: Delivered) -> None:
        metrics.outbox_sent.labels(row.channel).inc()
        await outbox.mark_sent(
            self.sessionmaker,
            row.id,
            self.relay_id,
            provider_message_id=result.provider_message_id,
            delivery_status=result.delivery_status,
            now=self.clock.now(),
        )

    async def _retry(self, row: Claimed, reason: str, retry_after: float | None) -> None:
        now = self.clock.now()
        if row.attempts >= self.settings.max_attempts:
            metrics.outbox_failures.labels(row.channel, "exhausted").inc()
            await self._dead(row, f"gave up after {row.attempts} attempts: {reason}")
            return
        metrics.outbox_failures.labels(row.channel, "transient").inc()
        delay = retry_after if retry_after is not None else self.backoff(row.attempts)
        await outbox.mark_retry(
            self.sessionmaker,
            row.id,
            self.relay_id,
            error=reason,
            next_attempt_at=now + timedelta(seconds=delay),
            now=now,
        )

    async def _dead(self, row: Claimed, reason: str) -> None:
        if await outbox.mark_dead(self.sessionmaker, row.id, self.relay_id, reason=reason, now=self.clock.now()):
            # One line per dead letter, whatever the channel: what an operator greps for before a replay.
            log.warning(
                "dead letter: %s #%d: %s",
                row.channel,
                row.id,
                reason,
                extra={"channel": row.channel, "outbox_id": row.id, "reason": reason},
            )

    async def _defer(self, row: Claimed, reason: str, until: datetime) -> None:
        metrics.outbox_deferred.labels(row.channel, reason).inc()
        await outbox.mark_retry(
            self.sessionmaker,
            row.id,
            self.relay_id,
            error=f"deferred: {reason}",
            next_attempt_at=until,
            now=self.clock.now(),
            count_attempt=False,
        )

    def backoff(self, attempts: int) -> float:
        base = self.settings.backoff_base_seconds * (2 ** max(0, attempts - 1))
        return float(min(self.settings.backoff_max_seconds, base) * random.uniform(0.8, 1.2))

    def _next_local_midnight(self) -> datetime:
        local = self.clock.now().astimezone(self.timezone)
        return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), self.timezone)
