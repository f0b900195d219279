"""Coordination over the redis API, on the in-process server and on a real Redis."""

from __future__ import annotations

import asyncio
import uuid

from bot.bootstrap import Container
from handlers.clock import ManualClock


async def test_shared_token_has_one_writer_and_is_reused(container: Container) -> None:
    coordination = container.coordination
    fetches = 0

    async def fetch() -> tuple[str, float]:
        nonlocal fetches
        fetches += 1
        await asyncio.sleep(0.05)  # slow platform: concurrent callers must wait, not fetch too
        return f"token-{fetches}", 7200

    tokens = await asyncio.gather(*(coordination.shared_token("dingtalk", fetch) for _ in range(8)))
    assert set(tokens) == {"token-1"} and fetches == 1
    assert await coordination.shared_token("dingtalk", fetch) == "token-1"


async def test_invalidating_a_stale_token_refetches_once_and_spares_a_fresh_one(container: Container) -> None:
    coordination = container.coordination
    issued = iter(["A", "B", "C"])

    async def fetch() -> tuple[str, float]:
        return next(issued), 7200

    assert await coordination.shared_token("wechat", fetch) == "A"
    await coordination.invalidate_token("wechat", "A")
    assert await coordination.shared_token("wechat", fetch) == "B"
    await coordination.invalidate_token("wechat", "A")  # a late report about the old token
    assert await coordination.shared_token("wechat", fetch) == "B"


async def test_rate_bucket_spaces_calls(container: Container, clock: ManualClock) -> None:
    coordination = container.coordination
    assert await coordination.rate_wait("app", per_second=20, now=clock.now()) == 0
    wait = await coordination.rate_wait("app", per_second=20, now=clock.now())
    assert 0.04 <= wait <= 0.06
    clock.advance(wait)
    assert await coordination.rate_wait("app", per_second=20, now=clock.now()) == 0


async def test_daily_counter_stops_at_the_cap_per_period(container: Container) -> None:
    coordination = container.coordination
    results = [await coordination.count_within("notices:u1", period="2026-11-23", cap=3) for _ in range(5)]
    assert results == [True, True, True, False, False]
    assert await coordination.count_used("notices:u1", period="2026-11-23") == 3
    assert await coordination.count_within("notices:u1", period="2026-11-24", cap=3)


async def test_lease_has_one_holder_until_released(container: Container) -> None:
    coordination = container.coordination
    assert await coordination.acquire_lease("job:digest:2026-11-23", "a", ttl_seconds=60)
    assert not await coordination.acquire_lease("job:digest:2026-11-23", "b", ttl_seconds=60)
    assert not await coordination.renew_lease("job:digest:2026-11-23", "b", ttl_seconds=60)
    assert await coordination.renew_lease("job:digest:2026-11-23", "a", ttl_seconds=60)
    await coordination.release_lease("job:digest:2026-11-23", "b")  # not the holder: no effect
    assert not await coordination.acquire_lease("job:digest:2026-11-23", "b", ttl_seconds=60)
    await coordination.release_lease("job:digest:2026-11-23", "a")
    assert await coordination.acquire_lease("job:digest:2026-11-23", "b", ttl_seconds=60)


async def test_lock_excludes_and_once_keys_are_once(container: Container) -> None:
    coordination = container.coordination
    order: list[str] = []

    async def critical(name: str) -> None:
        async with coordination.lock("invitation:1", timeout=5, blocking_timeout=5):
            order.append(f"{name}-in")
            await asyncio.sleep(0.02)
            order.append(f"{name}-out")

    await asyncio.gather(critical("a"), critical("b"))
    assert order in (["a-in", "a-out", "b-in", "b-out"], ["b-in", "b-out", "a-in", "a-out"])
    assert await coordination.once("msg:123", ttl_seconds=60)
    assert not await coordination.once("msg:123", ttl_seconds=60)


async def test_namespaces_keep_environments_apart(container: Container) -> None:
    other = type(container.coordination)(container.coordination.redis, namespace=f"kz:other-{uuid.uuid4().hex}")
    assert await container.coordination.once("x", ttl_seconds=60)
    assert await other.once("x", ttl_seconds=60)


async def test_admission_waits_without_counting_and_stops_at_the_cap(container: Container, clock: ManualClock) -> None:
    coordination = container.coordination

    async def admit() -> float | None:
        return await coordination.admit(
            bucket="sms", per_second=10, counter="daily:sms", period="2026-11-23", cap=2, now=clock.now()
        )

    assert await admit() == 0.0
    wait = await admit()
    assert wait is not None and 0.09 <= wait <= 0.11
    assert await coordination.count_used("daily:sms", period="2026-11-23") == 1, "waiting counts nothing"
    clock.advance(wait)
    assert await admit() == 0.0
    clock.advance(1)
    assert await admit() is None, "the day's cap is spent"
    assert await coordination.count_used("daily:sms", period="2026-11-23") == 2


async def test_rolling_windows_hold_under_concurrent_callers_and_say_when_there_is_room(
    container: Container, clock: ManualClock
) -> None:
    coordination = container.coordination
    name = f"code:{uuid.uuid4().hex}"
    windows = [(name, 60.0, 1), (name, 3600.0, 5)]
    # Twenty requests at the same instant, as from several instances: exactly one is counted.
    answers = await asyncio.gather(*(coordination.take_within(windows, now=clock.now()) for _ in range(20)))
    assert answers.count(0.0) == 1 and set(answers) - {0.0} == {60.0}
    clock.advance(59.5)
    assert await coordination.take_within(windows, now=clock.now()) == 0.5
    for _ in range(4):
        clock.advance(60)
        assert await coordination.take_within(windows, now=clock.now()) == 0.0
    clock.advance(60)  # five in the hour, the first 359.5 s ago
    assert await coordination.take_within(windows, now=clock.now()) == 3600 - 359.5
    clock.advance(3600 - 359.5)
    assert await coordination.take_within(windows, now=clock.now()) == 0.0
    # A refusal counts nothing in any window: another key with room is not charged by a full one.
    other = f"notice:{uuid.uuid4().hex}"
    assert await coordination.take_within([(name, 60.0, 1), (other, 60.0, 1)], now=clock.now()) > 0
    assert await coordination.take_within([(other, 60.0, 1)], now=clock.now()) == 0.0
