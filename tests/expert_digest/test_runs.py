"""How runs happen: by hand through the CLI, by two scheduler instances at once, and caught up at start-up."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, time, timedelta
from functools import partial

from click.testing import CliRunner
from sqlalchemy import func, select

from bot.bootstrap import build_container
from bot.cli_digest import digest
from handlers.expert_digest.catch_up import should_catch_up
from scheduler.digest import catch_up_digest, digest_trigger, latest_fire_today, scheduled_digest
from scheduler.lease import leased
from store.models.expert_digest import DigestMessage, DigestRun
from tests.expert_digest.conftest import DAY, SHANGHAI, World, beijing


async def _runs(world: World) -> list[DigestRun]:
    async with world.container.sessionmaker() as session:
        return list(await session.scalars(select(DigestRun).order_by(DigestRun.business_date)))


async def test_the_cli_rerun_sends_nothing_twice_but_reaches_a_newcomer(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    assert (await world.run(beijing(DAY, 16))).messages == 1
    sun = await world.expert("孙学者", "13912340002")
    await world.subscribe(sun, "01")  # subscribed after the 16:00 run

    def invoke() -> tuple[int, str]:
        result = CliRunner().invoke(digest, ["run", "--date", f"{DAY:%Y-%m-%d}"], obj=world.container.settings)
        return result.exit_code, result.output

    code, out = await asyncio.to_thread(invoke)
    assert code == 0, out
    assert f"digest {DAY}: finished, 1 message(s), 1 demand(s) paired" in out
    code, out = await asyncio.to_thread(invoke)
    assert code == 0 and "0 message(s)" in out
    assert len(await world.templates(qian)) == 1 and len(await world.templates(sun)) == 1
    bad = CliRunner().invoke(digest, ["run", "--date", "2026-13-01"], obj=world.container.settings)
    assert bad.exit_code != 0 and "YYYY-MM-DD" in bad.output


async def test_two_scheduler_instances_on_one_database_and_redis_send_once(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01", "02")
    await world.approved("工业软件国产化适配方案征集", "0101")
    await world.approved("新型疫苗冷链稳定剂研发", "0203")
    other = await build_container(world.container.settings, clock=world.clock)
    try:
        world.clock.set(beijing(DAY, 16))
        jobs = [
            leased(c.coordination, "expert-digest", partial(scheduled_digest, c), ttl_seconds=1800)
            for c in (world.container, other)
        ]
        await asyncio.gather(*(job() for job in jobs))
        # Even without the lease (its key expired, a clock skewed), the date's rows keep it at one.
        await asyncio.gather(scheduled_digest(world.container), scheduled_digest(other))
    finally:
        await other.aclose()
    [message] = await world.templates(qian)
    assert message.payload["data"]["number2"]["value"] == "2"
    [run] = await _runs(world)
    assert run.experts == 1 and run.demands == 2


async def test_a_run_missed_at_16_is_caught_up_once_when_the_service_starts_at_18(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    world.clock.set(beijing(DAY, 18))
    caught = await catch_up_digest(world.container)
    assert caught is not None and caught.messages == 1
    assert await catch_up_digest(world.container) is None  # a second start-up the same day: already ran
    [run] = await _runs(world)
    assert (run.trigger, run.attempts) == ("catch_up", 1)
    assert len(await world.templates(qian)) == 1


async def test_a_start_at_22_30_or_before_16_does_not_catch_up(world: World) -> None:
    qian = await world.expert("钱学者", "13912340001")
    await world.subscribe(qian, "01")
    await world.approved("工业软件国产化适配方案征集", "0101")
    for at in (beijing(DAY, 22, 30), beijing(DAY, 15, 59)):
        world.clock.set(at)
        assert await catch_up_digest(world.container) is None
    assert await _runs(world) == []
    async with world.container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(DigestMessage)) == 0
    # The next day's 16:00 run still has it: nothing was lost by not catching up.
    assert (await world.run(beijing(DAY + timedelta(days=1), 16))).messages == 1


def test_the_catch_up_decision() -> None:
    at = datetime(2026, 3, 10, 8, tzinfo=UTC)  # 16:00 in Shanghai
    until = time(22)
    assert should_catch_up(
        now=at + timedelta(hours=2), scheduled_today=at, until=until, timezone=SHANGHAI, ran_today=False
    )
    assert not should_catch_up(
        now=at + timedelta(hours=2), scheduled_today=at, until=until, timezone=SHANGHAI, ran_today=True
    )
    assert not should_catch_up(
        now=at + timedelta(hours=6, minutes=30), scheduled_today=at, until=until, timezone=SHANGHAI, ran_today=False
    )
    assert not should_catch_up(
        now=at - timedelta(minutes=1), scheduled_today=None, until=until, timezone=SHANGHAI, ran_today=False
    )


async def test_the_schedule_follows_the_configured_cron(world: World) -> None:
    trigger = digest_trigger(world.container)
    now = beijing(DAY, 18)
    assert latest_fire_today(trigger, now, world.container) == beijing(DAY, 16)
    assert latest_fire_today(trigger, beijing(DAY, 15), world.container) is None
