"""对接该需求: the expert docks a demand they see. The docking staff member gets a DingTalk card with the
expert's profile; the step joins the demand's timeline. Docking twice changes nothing; docking again after a
cancel re-opens the same row with a fresh card."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.access import locked
from handlers.demands.notify_enterprise import notify_enterprise
from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import NotFound
from handlers.expert_channel.access import is_visible, require_expert
from handlers.expert_channel.dockings import DockingView, docking_view, expert_name, own_docking, send_card
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DockDemand:
    actor_id: int
    demand_id: int


async def dock_demand(cmd: DockDemand, uow: UnitOfWork, policy: DemandPolicy) -> DockingView:
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        # The demand's row lock orders concurrent presses; the unique (expert, demand) key backs it up.
        demand = await locked(uow, cmd.demand_id)
        row = await own_docking(uow, expert.id, demand.id)
        if row is not None and row.status == DockingStatus.DOCKED:
            return docking_view(row)
        if not await is_visible(uow, expert.id, demand.id):
            if row is not None:  # docked once, so the expert still reads it: say why not (closed …)
                next_status(Step.EXPERT_DOCK, demand.status)
            raise NotFound("未找到该需求")
        next_status(Step.EXPERT_DOCK, demand.status)
        now = uow.clock.now()
        if row is None:
            # The enterprise hears when the first expert docks its demand; later ones are on its timeline.
            if await uow.session.scalar(select(ExpertDocking.id).where(ExpertDocking.demand_id == demand.id)) is None:
                await notify_enterprise(uow, demand, "已有专家对接", policy)
            row = ExpertDocking(
                expert_id=expert.id,
                demand_id=demand.id,
                status=DockingStatus.DOCKED,
                rounds=1,
                docked_at=now,
                created_at=now,
                updated_at=now,
            )
            uow.session.add(row)
            await uow.session.flush()
        else:
            row.status, row.rounds, row.docked_at, row.updated_at = DockingStatus.DOCKED, row.rounds + 1, now, now
            row.cancelled_at = row.communicated_at = None
        await send_card(uow, row, demand, expert)
        name = await expert_name(uow, expert)
        profile = "，".join(p for p in (expert.title, expert.employer) if p)
        await step(
            uow,
            demand,
            Step.EXPERT_DOCK,
            demand.status,
            actor=f"account:{cmd.actor_id}",
            actor_name=name,
            note=f"专家{name}（{profile}）对接该需求" if profile else f"专家{name}对接该需求",
            data={"expert_id": expert.id, "docking_id": row.id, "round": row.rounds},
        )
        result = docking_view(row)
        await uow.commit()
    return result
