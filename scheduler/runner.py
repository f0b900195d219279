"""APScheduler wiring: thin jobs that call use cases, under a lease, in Asia/Shanghai."""

from __future__ import annotations

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Container
from handlers.audit.anchor_audit_heads import anchor_audit_heads
from scheduler.lease import leased


def build_scheduler(container: Container) -> AsyncIOScheduler:
    scheduler = AsyncIOScheduler(timezone=container.timezone)
    interval = container.settings.audit.checkpoint_interval_seconds

    async def checkpoint() -> None:
        await anchor_audit_heads(container.uow(), container.anchors)

    scheduler.add_job(
        leased(container.coordination, "audit-checkpoint", checkpoint, ttl_seconds=interval * 0.9),
        "interval",
        seconds=interval,
        id="audit-checkpoint",
        coalesce=True,
        max_instances=1,
    )
    return scheduler
