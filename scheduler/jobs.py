"""Every scheduled job, one row each: its id, when it fires, how long its lease lasts and what it runs.

A row's `run` takes the container and calls use cases; the runner registers every row the same way (under a
lease named by the id, coalesced, one instance at a time). Times are in the business timezone. To add a job,
add a row here: nothing else registers one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.bootstrap import Container
from bot.dingtalk.wiring import contact_events, dingtalk_settings
from handlers.audit.anchor_audit_heads import anchor_audit_heads
from handlers.follow_up_reminders.send_due_reminders import send_due_reminders
from handlers.membership.expire_membership_invitations import expire_membership_invitations
from handlers.monitoring.send_weekly_reports import WeeklyReportPolicy, send_weekly_reports
from handlers.reference.regions import Regions
from handlers.reviews.send_review_reminders import send_review_reminders
from handlers.wechat.prune_inbox import prune_inbox
from handlers.wechat.record_template_delivery import prune_kept_reports
from scheduler.digest import catch_up_digest, digest_trigger, scheduled_digest

log = logging.getLogger(__name__)

APSCHEDULER_MISFIRE_GRACE_SECONDS = 1  # APScheduler's own default, kept for every job that names none


@dataclass(frozen=True)
class JobSpec:
    id: str  # the job's id in the scheduler and the name of its lease
    trigger: BaseTrigger
    lease_seconds: float  # shorter than the interval, so a crashed holder does not skip the next run
    run: Callable[[Container], Awaitable[object]]
    # A run this late (the service was busy or down) still happens; later, it is skipped.
    misfire_grace_seconds: int = APSCHEDULER_MISFIRE_GRACE_SECONDS
    # False: not registered in this deployment (its platform is not configured).
    enabled: bool = True


async def checkpoint(container: Container) -> None:
    await anchor_audit_heads(container.uow(), container.anchors)


async def prune_wechat_inbox(container: Container) -> None:
    await prune_inbox(container.uow())
    if orphans := await prune_kept_reports(container.uow()):
        # Reports whose message never showed up (a send from the platform's console, a pruned row).
        log.warning("orphan wechat template reports dropped", extra={"count": len(orphans), "msgids": orphans[:5]})


async def apply_pending_contact_events(container: Container) -> None:
    # What a stream instance left pending (the database away while it applied): applied here.
    handler = contact_events(container)
    handler.resume()
    await handler.flush()


async def expire_invitations(container: Container) -> None:
    await expire_membership_invitations(container.uow())


async def follow_up_reminders(container: Container) -> None:
    # A year's schedule loaded on another instance counts from this run on (a failed read keeps the last).
    await container.calendar.refresh(container.sessionmaker)
    await send_due_reminders(container.uow, container.follow_up_policy, container.office_hours, container.demand_policy)


async def review_reminders(container: Container) -> None:
    # Reminders, overdue counts and escalations of pending reviews; the marks keep each one to a single send.
    await container.calendar.refresh(container.sessionmaker)
    await send_review_reminders(container.uow, container.office_hours)


async def weekly_reports(container: Container) -> None:
    settings = container.settings
    dingtalk = dingtalk_settings(settings)
    workbench = dingtalk.workbench_page_url if dingtalk is not None else f"{settings.base_url}/m/workbench/"
    policy = WeeklyReportPolicy(
        container.timezone, f"{workbench}#/monitoring", f"{settings.base_url}/api/v1/weekly-reports/"
    )
    await send_weekly_reports(container.uow, policy, Regions.load())


def job_table(container: Container) -> tuple[JobSpec, ...]:
    """The jobs of this deployment, their intervals and schedules read from its settings."""
    zone = container.timezone
    checkpoints = container.settings.audit.checkpoint_interval_seconds
    review_interval = container.settings.reviews.reminder_interval_seconds
    return (
        JobSpec("audit-checkpoint", IntervalTrigger(seconds=checkpoints, timezone=zone), checkpoints * 0.9, checkpoint),
        JobSpec("wechat-inbox-prune", CronTrigger(hour=3, minute=30, timezone=zone), 3600, prune_wechat_inbox),
        JobSpec(
            "dingtalk-contact-events",
            IntervalTrigger(seconds=300, timezone=zone),
            270,
            apply_pending_contact_events,
            enabled=dingtalk_settings(container.settings) is not None,
        ),
        JobSpec("membership-invitations-expire", IntervalTrigger(seconds=600, timezone=zone), 540, expire_invitations),
        JobSpec("follow-up-reminders", IntervalTrigger(seconds=300, timezone=zone), 270, follow_up_reminders),
        JobSpec(
            "review-reminders",
            IntervalTrigger(seconds=review_interval, timezone=zone),
            review_interval * 0.9,
            review_reminders,
        ),
        # Two instances: the lease lets one run it; the digest_runs row keeps a catch-up and a run from overlapping.
        JobSpec("expert-digest", digest_trigger(container), 1800, scheduled_digest, misfire_grace_seconds=600),
        # Monday 09:00: last week's figures to each official and institution admin (a report row per person and week
        # keeps it to one send); a late start the same morning still sends them.
        JobSpec(
            "monitoring-weekly-reports",
            CronTrigger(day_of_week="mon", hour=9, minute=0, timezone=zone),
            1800,
            weekly_reports,
            misfire_grace_seconds=3 * 3600,
            enabled=dingtalk_settings(container.settings) is not None,
        ),
        # Once, at start-up: today's digest if its time passed while the service was down.
        JobSpec("expert-digest-catch-up", DateTrigger(timezone=zone), 1800, catch_up_digest),
    )
