"""The transactional outbox and its relay, through the test channel and its provider."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import timedelta

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select, update

from bot.bootstrap import Container
from bot.channels.base import ChannelPaused, Deferred, Delivered, OutboundMessage
from bot.channels.test_channel import TestChannel
from bot.relay import Relay
from bot.settings import ChannelLimits
from cards.outbound import TestMessage
from handlers.clock import ManualClock
from sandbox.test_provider import TestProviderState
from store.models.outbox import OutboxMessage, OutboxStatus
from tests.outbox_support import RelayProcess, cli, delivered_counts, served_provider


def relay_for(container: Container, relay_id: str = "relay-test") -> Relay:
    return Relay(
        sessionmaker=container.sessionmaker,
        channels=container.channels,
        coordination=container.coordination,
        clock=container.clock,
        settings=container.settings.outbox,
        timezone=container.timezone,
        relay_id=relay_id,
    )


async def enqueue(container: Container, count: int, *, recipient: str = "13800000004", start: int = 0) -> None:
    async with container.uow() as uow:
        for n in range(start, start + count):
            await uow.send(
                TestMessage(recipient=recipient, body={"title": "通知", "text": f"第{n}条", "n": n}, source=f"test:{n}")
            )
        await uow.commit()


async def statuses(container: Container) -> dict[str, int]:
    async with container.sessionmaker() as session:
        rows = await session.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status))
        return {str(status): int(count) for status, count in rows.all()}


async def drain(relay: Relay, clock: ManualClock, *, rounds: int = 400) -> None:
    """Run the relay, moving the clock past back-offs, until nothing is left to send."""
    for _ in range(rounds):
        clock.advance(0.001)
        if await relay.run_once() == 0:
            async with relay.sessionmaker() as session:
                waiting = (
                    await session.execute(
                        select(func.count()).where(
                            OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENDING])
                        )
                    )
                ).scalar_one()
            if not waiting:
                return
            clock.advance(30)
    raise AssertionError("the outbox did not drain")


def metric(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_nothing_is_queued_when_the_transaction_rolls_back(container: Container) -> None:
    async with container.uow() as uow:
        await uow.send(TestMessage(recipient="13800000004", body={"text": "不会发出"}))
        # no commit: leaving the block rolls back
    assert await statuses(container) == {}


async def test_every_message_arrives_despite_thirty_percent_transient_failures(
    container: Container, clock: ManualClock
) -> None:
    provider = TestProviderState(transient_rate=0.3)
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        await enqueue(container, 60)
        before = metric("kezhuan_outbox_failures_total", channel="test", kind="transient")
        await drain(relay_for(container), clock)
    counts = delivered_counts(provider)
    assert sorted(counts) == list(range(60))
    assert set(counts.values()) == {1}, "a single relay must not deliver a message twice"
    assert await statuses(container) == {"sent": 60}
    assert metric("kezhuan_outbox_failures_total", channel="test", kind="transient") - before > 5
    async with container.sessionmaker() as session:
        ids = (await session.execute(select(OutboxMessage.provider_message_id))).scalars().all()
    assert all(i and i.startswith("t-") for i in ids), "provider message ids are stored"


async def test_permanent_error_is_a_dead_letter_with_its_reason_and_replays_from_the_cli(
    container: Container, clock: ManualClock
) -> None:
    provider = TestProviderState(rejected={"13900000000"})
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        await enqueue(container, 1, recipient="13900000000")
        await drain(relay_for(container), clock)
        async with container.sessionmaker() as session:
            row = (await session.execute(select(OutboxMessage))).scalar_one()
        assert row.status == OutboxStatus.DEAD
        assert row.attempts == 1, "a permanent error is not retried"
        assert row.dead_reason and "invalid_recipient" in row.dead_reason

        code, out = await cli(container.settings, "outbox", "list", "--status", "dead", clock=clock)
        assert code == 0 and f"{row.id}\ttest\tdead" in out and "invalid_recipient" in out

        provider.rejected.clear()  # the cause is fixed
        code, out = await cli(container.settings, "outbox", "retry", str(row.id), clock=clock)
        assert code == 0 and f"replayed 1 dead letter(s): {row.id}" in out
        await drain(relay_for(container), clock)
    assert delivered_counts(provider) == {0: 1}
    assert await statuses(container) == {"sent": 1}


async def test_retry_without_ids_is_refused(container: Container) -> None:
    code, out = await cli(container.settings, "outbox", "retry", clock=container.clock)
    assert code != 0 and "name message ids" in out


async def test_attempts_are_bounded_then_dead_lettered(container: Container, clock: ManualClock) -> None:
    provider = TestProviderState(transient_rate=1.0)
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        await enqueue(container, 1)
        await drain(relay_for(container), clock, rounds=100)
    async with container.sessionmaker() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert row.status == OutboxStatus.DEAD
    assert row.attempts == container.settings.outbox.max_attempts
    assert row.dead_reason and row.dead_reason.startswith(f"gave up after {row.attempts} attempts")


async def test_daily_cap_defers_to_the_next_local_day(container: Container, clock: ManualClock) -> None:
    container.settings.outbox.limits["test"] = ChannelLimits(daily_cap=3)
    provider = TestProviderState()
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        await enqueue(container, 5)
        relay = relay_for(container)
        await relay.run_once()
        assert len(provider.deliveries) == 3
        assert await statuses(container) == {"sent": 3, "pending": 2}
        clock.advance(3600)
        await relay.run_once()
        assert len(provider.deliveries) == 3, "still the same business day"
        clock.advance(24 * 3600)
        await drain(relay, clock)
    assert sorted(delivered_counts(provider)) == [0, 1, 2, 3, 4]


class FirstCallRaises:
    """A channel whose first call raises the given error and whose later calls succeed."""

    name = "test"

    def __init__(self, error: Callable[[], Exception]) -> None:
        self.error = error
        self.calls = 0

    async def send(self, message: OutboundMessage) -> Delivered:
        self.calls += 1
        if self.calls == 1:
            raise self.error()
        return Delivered(provider_message_id=f"p-{message.id}")


async def test_a_paused_channel_stops_calling_the_provider_and_raises_the_alert(
    container: Container, clock: ManualClock
) -> None:
    channel = FirstCallRaises(lambda: ChannelPaused("quota spent", until=clock.now() + timedelta(hours=2)))
    container.channels["test"] = channel
    container.settings.outbox.concurrency = 1
    await enqueue(container, 4)
    before = metric("kezhuan_channel_paused_total", channel="test")
    relay = relay_for(container)
    await relay.run_once()
    assert metric("kezhuan_channel_paused_total", channel="test") == before + 1
    assert channel.calls == 1, "after the pause no further call reaches the provider"
    assert await statuses(container) == {"pending": 4}
    clock.advance(2 * 3600 + 1)
    await drain(relay, clock)
    assert await statuses(container) == {"sent": 4}


async def test_a_claim_that_lapsed_without_a_result_is_counted_as_a_possible_duplicate(
    container: Container, clock: ManualClock
) -> None:
    provider = TestProviderState()
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        await enqueue(container, 1)
        async with container.uow() as uow:  # a keyed message is protected by the platform
            await uow.send(TestMessage(recipient="13800000004", body={"n": 1}, idempotency_key="card-1"))
            await uow.commit()
        # A relay claimed both and died before settling.
        async with container.sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage).values(
                    status=OutboxStatus.SENDING,
                    claimed_by="dead-relay",
                    attempts=1,
                    next_attempt_at=clock.now() - timedelta(seconds=1),
                )
            )
        before = metric("kezhuan_outbox_possible_duplicates_total", channel="test")
        await drain(relay_for(container), clock)
    assert metric("kezhuan_outbox_possible_duplicates_total", channel="test") == before + 1
    assert await statuses(container) == {"sent": 2}


async def wait_for(condition: Callable[[], Awaitable[bool]], *, seconds: float) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        if await condition():
            return
        await asyncio.sleep(0.05)
    raise AssertionError("condition not reached in time")


def all_sent(container: Container, count: int) -> Callable[[], Awaitable[bool]]:
    async def check() -> bool:
        return await statuses(container) == {"sent": count}

    return check


async def test_a_relay_killed_mid_batch_loses_nothing(container: Container, clock: ManualClock) -> None:
    provider = TestProviderState(delay_seconds=0.02)
    async with served_provider(provider, container.clock) as url:
        await enqueue(container, 120)
        started = asyncio.get_running_loop().time()
        first = RelayProcess(container.settings, url, clock, lease_seconds=1.0)
        await first.start()

        async def some_delivered() -> bool:
            return len(provider.deliveries) >= 30

        await wait_for(some_delivered, seconds=60)
        await first.kill()
        killed_at = len(provider.deliveries)
        assert killed_at < 120, "killed mid-batch"
        clock.advance(asyncio.get_running_loop().time() - started)  # the first relay's clock ran on meanwhile
        second = RelayProcess(container.settings, url, clock, lease_seconds=1.0)
        await second.start()
        # Rows the dead relay sent but never settled are taken over once its claim lapses.
        await wait_for(all_sent(container, 120), seconds=60)
        await second.stop()
    counts = delivered_counts(provider)
    assert sorted(counts) == list(range(120)), "every message arrived"
    assert await statuses(container) == {"sent": 120}
    # At most the batch in flight when the process died may arrive twice (at least once).
    assert sum(counts.values()) - 120 <= 10


@pytest.mark.parametrize("relays", [2])
async def test_two_relay_processes_never_deliver_a_row_twice(
    container: Container, clock: ManualClock, relays: int
) -> None:
    provider = TestProviderState(delay_seconds=0.005)
    async with served_provider(provider, container.clock) as url:
        await enqueue(container, 200)
        processes = [RelayProcess(container.settings, url, clock, lease_seconds=30.0) for _ in range(relays)]
        await asyncio.gather(*(p.start() for p in processes))
        await wait_for(all_sent(container, 200), seconds=60)
        await asyncio.sleep(0.3)  # anything a second relay would still send arrives now
        logs = await asyncio.gather(*(p.stop() for p in processes))
    counts = delivered_counts(provider)
    assert sorted(counts) == list(range(200))
    assert max(counts.values()) == 1, f"delivered twice: {[n for n, c in counts.items() if c > 1]}"
    assert await statuses(container) == {"sent": 200}
    async with container.sessionmaker() as session:
        claimed_by = (
            await session.execute(select(func.count()).where(OutboxMessage.claimed_by.is_not(None)))
        ).scalar_one()
    assert claimed_by == 0
    assert all("Traceback" not in log for log in logs), logs


class SlowChannel:
    name = "test"

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock
        self.sent: list[int] = []

    async def send(self, message: OutboundMessage) -> Delivered:
        self.clock.advance(4)  # each call takes four seconds of the claim
        self.sent.append(message.id)
        return Delivered(provider_message_id=f"s-{message.id}")


async def test_rows_whose_claim_ran_short_are_handed_back_unsent(container: Container, clock: ManualClock) -> None:
    container.settings.outbox.concurrency = 1
    container.settings.outbox.lease_seconds = 10.0
    container.settings.outbox.send_timeout_seconds = 2.0
    channel = SlowChannel(clock)
    container.channels["test"] = channel
    await enqueue(container, 3)
    relay = relay_for(container)
    assert await relay.run_once() == 3
    assert len(channel.sent) == 2, "the third row would have outlived its claim"
    assert await statuses(container) == {"sent": 2, "pending": 1}
    await drain(relay, clock)
    assert sorted(channel.sent) == [1, 2, 3]
    async with container.sessionmaker() as session:
        attempts = (await session.execute(select(OutboxMessage.attempts).order_by(OutboxMessage.id))).scalars().all()
    assert attempts == [1, 1, 1], "handing a row back is not an attempt"


async def test_a_keyed_message_sent_again_after_a_crash_arrives_once(container: Container, clock: ManualClock) -> None:
    provider = TestProviderState()
    async with served_provider(provider, clock) as url:
        container.channels["test"] = TestChannel(container.http, url)
        async with container.uow() as uow:
            await uow.send(TestMessage(recipient="13800000004", body={"n": 7}, idempotency_key="out-track-7"))
            await uow.commit()
        await drain(relay_for(container), clock)
        # The relay died after the provider accepted but before it settled: the row is claimable again.
        async with container.sessionmaker() as session, session.begin():
            await session.execute(
                update(OutboxMessage).values(
                    status=OutboxStatus.SENDING, claimed_by="dead-relay", next_attempt_at=clock.now()
                )
            )
        await drain(relay_for(container), clock)
    assert delivered_counts(provider) == {7: 1}
    assert await statuses(container) == {"sent": 1}


async def test_a_deferred_message_waits_without_spending_an_attempt(container: Container, clock: ManualClock) -> None:
    container.channels["test"] = FirstCallRaises(
        lambda: Deferred("recipient's daily cap reached", until=clock.now() + timedelta(hours=1))
    )
    await enqueue(container, 1)
    relay = relay_for(container)
    await relay.run_once()
    clock.advance(1800)
    assert await relay.run_once() == 0, "not before the moment it was deferred to"
    assert await statuses(container) == {"pending": 1}
    clock.advance(1801)
    await drain(relay, clock)
    async with container.sessionmaker() as session:
        row = (await session.execute(select(OutboxMessage))).scalar_one()
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 1)
