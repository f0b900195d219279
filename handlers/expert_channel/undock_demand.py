"""取消对接: the expert cancels their docking; the staff member's card says so and loses its buttons, and the
step joins the timeline. Cancelling a cancelled docking changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from cards.expert_docking import cancelled_update
from cards.outbound import CardUpdate
from handlers.demands.access import locked
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.expert_channel.access import require_expert
from handlers.expert_channel.dockings import DockingView, docking_view, expert_name, not_docked, own_docking
from store.models.expert_pages import DockingStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UndockDemand:
    actor_id: int
    demand_id: int


async def undock_demand(cmd: UndockDemand, uow: UnitOfWork) -> DockingView:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        row = await own_docking(uow, expert.id, demand.id)
        if row is None:
            raise await not_docked(uow, expert.id, demand.id)
        if row.status == DockingStatus.CANCELLED:
            return docking_view(row)
        next_status(Step.EXPERT_UNDOCK, demand.status)
        now = uow.clock.now()
        row.status, row.cancelled_at, row.updated_at = DockingStatus.CANCELLED, now, now
        if row.card_out_track_id is not None and row.card_userid is not None:
            await uow.send(
                CardUpdate(
                    recipient=row.card_userid,
                    out_track_id=row.card_out_track_id,
                    card_data=cancelled_update(),
                    source=f"expert_docking:{row.id}",
                )
            )
        name = await expert_name(uow, expert)
        await step(
            uow,
            demand,
            Step.EXPERT_UNDOCK,
            demand.status,
            actor=f"account:{cmd.actor_id}",
            actor_name=name,
            note=f"专家{name}取消对接",
            data={"expert_id": expert.id, "docking_id": row.id},
        )
        result = docking_view(row)
        await uow.commit()
    return result
