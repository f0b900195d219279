"""A departing staff member's open demands go to the successor the centre admin named (seed 004 §一.3).

Runs inside the departure's transaction. The demands are locked before the membership rows, the order a review
decision takes (demand, then the staff member credited), so the two cannot deadlock.
"""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.states import Step
from handlers.demands.timeline import step
from handlers.errors import InvalidInput
from handlers.expert_channel.dockings import hand_over_cards
from handlers.follow_up_reminders.state import restart_silence
from store.models.demands import Demand, DemandStatus
from store.uow import UnitOfWork

OPEN = (
    DemandStatus.DRAFT,
    DemandStatus.PENDING_REVIEW,
    DemandStatus.RETURNED,
    DemandStatus.DOCKING,
    DemandStatus.PUBLISHED,
)


async def lock_open_demands(uow: UnitOfWork, staff_account_id: int, institution_id: int) -> list[Demand]:
    rows = await uow.session.scalars(
        select(Demand)
        .where(
            Demand.staff_account_id == staff_account_id,
            Demand.institution_id == institution_id,
            Demand.status.in_(OPEN),
        )
        .order_by(Demand.id)
        .with_for_update()
    )
    return list(rows)


async def hand_over(
    uow: UnitOfWork, demands: list[Demand], successor_account_id: int | None, *, actor: str, leaver: str, successor: str
) -> None:
    if not demands:
        return
    if successor_account_id is None:
        raise InvalidInput(f"该人员仍有{len(demands)}项在办需求，请指定接替人员", code="successor_required")
    now = uow.clock.now()
    for demand in demands:
        before = demand.staff_account_id
        demand.staff_account_id = successor_account_id
        demand.updated_at = now
        await step(
            uow,
            demand,
            Step.CHANGE_STAFF,
            demand.status,
            actor=actor,
            note=f"{leaver}离职 → {successor}",
            data={"from_staff_account_id": before, "to_staff_account_id": successor_account_id},
        )
        if demand.status == DemandStatus.DOCKING:
            await restart_silence(uow, demand.id, now)
        if demand.status in (DemandStatus.DOCKING, DemandStatus.PUBLISHED):
            await hand_over_cards(uow, demand, successor)
