"""The expert digest as the scheduler, the CLI and the sandbox console start it: ports, alerts, the date."""

from __future__ import annotations

from datetime import date, datetime

from bot import metrics
from bot.bootstrap import Container
from cards.outbound import Channel
from handlers.expert_digest.run_digest import DigestRunResult, RunDigest, run_digest
from store.models.expert_digest import DigestRunStatus


def business_date(container: Container) -> date:
    return container.clock.now().astimezone(container.timezone).date()


async def run_expert_digest(container: Container, *, day: date | None, trigger: str, instance: str) -> DigestRunResult:
    async def paused() -> bool:
        # The relay shares a pause when the platform answers 45009 (bot.relay): sending more only fails.
        until = await container.coordination.get(f"paused:{Channel.WECHAT_TEMPLATE}")
        return until is not None and datetime.fromisoformat(until) > container.clock.now()

    result = await run_digest(
        RunDigest(day or business_date(container), trigger, instance),
        container.uow,
        container.digest_policy,
        container.timezone,
        paused,
    )
    if result.status in (DigestRunStatus.PAUSED, DigestRunStatus.CAPPED):
        metrics.digest_alerts.labels(result.status).inc()
    return result


async def console_digest(container: Container) -> dict[str, object]:
    """The sandbox console's 「触发每日推送」: today's run, by hand (nothing is sent twice)."""
    done = await run_expert_digest(container, day=None, trigger="console", instance="sandbox-console")
    return {
        "business_date": str(done.business_date),
        "status": done.status,
        "messages": done.messages,
        "pairs": done.pairs,
    }
