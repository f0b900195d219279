"""APScheduler wiring: every row of the job table registered the same way, under a lease, in Asia/Shanghai."""

from __future__ import annotations

from functools import partial

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Container
from scheduler.jobs import job_table
from scheduler.lease import leased


def build_scheduler(container: Container) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=container.timezone)
    for spec in job_table(container):
        if not spec.enabled:
            continue
        scheduler.add_job(
            leased(container.coordination, spec.id, partial(spec.run, container), ttl_seconds=spec.lease_seconds),
            spec.trigger,
            id=spec.id,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=spec.misfire_grace_seconds,
        )
    return scheduler
