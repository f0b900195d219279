"""A digest already sent to an expert, for the REST tables that need a digest id (no sending involved)."""

from __future__ import annotations

from datetime import timedelta

from store.models.expert_digest import DigestMessage, DigestRun, DigestRunStatus
from tests.organisation.conftest import Org


async def digest_ids(base: Org, expert_id: int) -> dict[str, int]:
    async with base.uow as uow:
        now = uow.clock.now()
        day = now.date()
        run = DigestRun(
            business_date=day,
            status=DigestRunStatus.FINISHED,
            trigger="schedule",
            instance="test",
            attempts=1,
            experts=1,
            demands=0,
            started_at=now,
            finished_at=now,
        )
        uow.session.add(run)
        await uow.session.flush()
        message = DigestMessage(
            expert_id=expert_id,
            business_date=day,
            run_id=run.id,
            outbox_id=None,
            openid="o-world",
            demand_count=0,
            first_title="",
            window_start=now - timedelta(days=7),
            created_at=now,
        )
        uow.session.add(message)
        await uow.session.flush()
        await uow.commit()
        return {"digest_id": message.id}
