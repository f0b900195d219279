"""The daily digest's schedule (cron from settings) and its catch-up at start-up, decided from digest_runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import select

from bot.bootstrap import Container
from bot.digest import business_date, run_expert_digest
from handlers.expert_digest.catch_up import should_catch_up
from handlers.expert_digest.run_digest import DigestRunResult
from scheduler.lease import HOLDER
from store.models.expert_digest import DigestRun


def digest_trigger(container: Container) -> CronTrigger:
    return CronTrigger.from_crontab(container.digest_policy.cron, timezone=container.timezone)


def latest_fire_today(trigger: CronTrigger, now: datetime, container: Container) -> datetime | None:
    """The last time the schedule fired today (local date) at or before `now`."""
    local = now.astimezone(container.timezone)
    midnight = datetime.combine(local.date(), datetime.min.time(), container.timezone)
    latest, fire = None, trigger.get_next_fire_time(None, midnight)
    while fire is not None and fire <= now:
        latest, fire = fire, trigger.get_next_fire_time(fire, fire + timedelta(microseconds=1))
    return latest


async def scheduled_digest(container: Container) -> DigestRunResult:
    return await run_expert_digest(container, day=None, trigger="schedule", instance=HOLDER)


async def catch_up_digest(container: Container) -> DigestRunResult | None:
    """Run today's digest once if its time passed while the service was down (and before the deadline)."""
    now = container.clock.now()
    today = business_date(container)
    async with container.uow() as uow:
        ran = await uow.session.scalar(select(DigestRun.id).where(DigestRun.business_date == today)) is not None
    if not should_catch_up(
        now=now,
        scheduled_today=latest_fire_today(digest_trigger(container), now, container),
        until=container.digest_policy.catch_up_until,
        timezone=container.timezone,
        ran_today=ran,
    ):
        return None
    return await run_expert_digest(container, day=today, trigger="catch_up", instance=HOLDER)
