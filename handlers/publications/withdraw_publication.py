"""The publisher's institution admin withdraws an open publication: the demand goes back to 对接中 with its own
staff member. Once another institution has accepted it, it can no longer be withdrawn."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.publications.access import end_open_offer, require_open
from handlers.publications.publisher import publishers_demand
from store.models.publications import DemandPublication, PublicationStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class WithdrawPublication:
    actor_id: int
    demand_id: int


@dataclass(frozen=True)
class PublicationWithdrawn:
    publication_id: int
    demand_id: int


async def withdraw_publication(cmd: WithdrawPublication, uow: UnitOfWork) -> PublicationWithdrawn:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await publishers_demand(uow, actor, cmd.demand_id, "只有公开需求的机构管理员可以撤回公开")
        publication = await uow.session.scalar(
            select(DemandPublication).where(
                DemandPublication.demand_id == demand.id, DemandPublication.status != PublicationStatus.WITHDRAWN
            )
        )
        if publication is None:
            raise Conflict("该需求当前未公开", code="not_published")
        await require_open(uow, publication)
        now = uow.clock.now()
        if not await end_open_offer(uow, demand.id, now):
            raise Conflict("该需求已被受理，不能撤回公开", code="already_accepted")
        before = demand.status
        demand.status = next_status(Step.UNPUBLISH, before)
        demand.updated_at = now
        await step(uow, demand, Step.UNPUBLISH, before, actor=actor.label, data={"publication_id": publication.id})
        await uow.commit()
        return PublicationWithdrawn(publication.id, demand.id)
