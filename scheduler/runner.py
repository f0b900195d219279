"""APScheduler wiring: thin jobs that call use cases, under a lease, in Asia/Shanghai."""

from __future__ import annotations

import logging

from apscheduler.schedulers.asyncio import AsyncIOScheduler

from bot.bootstrap import Container
from bot.dingtalk.wiring import contact_events, dingtalk_settings
from handlers.audit.anchor_audit_heads import anchor_audit_heads
from handlers.follow_up_reminders.send_due_reminders import send_due_reminders
from handlers.membership.expire_membership_invitations import expire_membership_invitations
from handlers.reviews.send_review_reminders import send_review_reminders
from handlers.wechat.prune_inbox import prune_inbox
from handlers.wechat.record_template_delivery import prune_kept_reports
from scheduler.digest import catch_up_digest, digest_trigger, scheduled_digest
from scheduler.lease import leased

log = logging.getLogger(__name__)


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

    async def prune_wechat_inbox() -> None:
        await prune_inbox(container.uow())
        if orphans := await prune_kept_reports(container.uow()):
            # Reports whose message never showed up (a send from the platform's console, a pruned row).
            log.warning("orphan wechat template reports dropped", extra={"count": len(orphans), "msgids": orphans[:5]})

    scheduler.add_job(
        leased(container.coordination, "wechat-inbox-prune", prune_wechat_inbox, ttl_seconds=3600),
        "cron",
        hour=3,
        minute=30,
        id="wechat-inbox-prune",
        coalesce=True,
        max_instances=1,
    )
    if dingtalk_settings(container.settings) is not None:

        async def apply_pending_contact_events() -> None:
            # What a stream instance left pending (the database away while it applied): applied here.
            handler = contact_events(container)
            handler.resume()
            await handler.flush()

        scheduler.add_job(
            leased(container.coordination, "dingtalk-contact-events", apply_pending_contact_events, ttl_seconds=270),
            "interval",
            seconds=300,
            id="dingtalk-contact-events",
            coalesce=True,
            max_instances=1,
        )

    async def expire_invitations() -> None:
        await expire_membership_invitations(container.uow())

    scheduler.add_job(
        leased(container.coordination, "membership-invitations-expire", expire_invitations, ttl_seconds=540),
        "interval",
        seconds=600,
        id="membership-invitations-expire",
        coalesce=True,
        max_instances=1,
    )

    async def follow_up_reminders() -> None:
        # A year's schedule loaded on another instance counts from this run on (a failed read keeps the last).
        await container.calendar.refresh(container.sessionmaker)
        await send_due_reminders(
            container.uow, container.follow_up_policy, container.office_hours, container.demand_policy
        )

    scheduler.add_job(
        leased(container.coordination, "follow-up-reminders", follow_up_reminders, ttl_seconds=270),
        "interval",
        seconds=300,
        id="follow-up-reminders",
        coalesce=True,
        max_instances=1,
    )

    async def review_reminders() -> None:
        # Reminders, overdue counts and escalations of pending reviews; the marks keep each one to a single send.
        await container.calendar.refresh(container.sessionmaker)
        await send_review_reminders(container.uow, container.office_hours)

    review_interval = container.settings.reviews.reminder_interval_seconds
    scheduler.add_job(
        leased(container.coordination, "review-reminders", review_reminders, ttl_seconds=review_interval * 0.9),
        "interval",
        seconds=review_interval,
        id="review-reminders",
        coalesce=True,
        max_instances=1,
    )

    async def expert_digest() -> None:
        await scheduled_digest(container)

    # Two instances: the lease lets one run it; the digest_runs row keeps a catch-up and a run from overlapping.
    scheduler.add_job(
        leased(container.coordination, "expert-digest", expert_digest, ttl_seconds=1800),
        digest_trigger(container),
        id="expert-digest",
        coalesce=True,
        max_instances=1,
        misfire_grace_time=600,
    )

    async def expert_digest_catch_up() -> None:
        await catch_up_digest(container)

    scheduler.add_job(
        leased(container.coordination, "expert-digest-catch-up", expert_digest_catch_up, ttl_seconds=1800),
        "date",
        id="expert-digest-catch-up",
    )
    return scheduler
