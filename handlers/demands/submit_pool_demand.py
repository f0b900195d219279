"""An enterprise contact posts their enterprise's demand to the pool (mini-program), where institutions take it up."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands import fields as f
from handlers.demands.numbering import next_number
from handlers.demands.policy import DemandPolicy
from handlers.demands.scope import enterprises_of
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import load_actor
from store.models.demands import Demand, DemandOrigin
from store.models.organisation import Role
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SubmitPoolDemand:
    actor_id: int
    fields: f.DemandFields
    enterprise_id: int | None = None  # needed only by a contact of several enterprises


@dataclass(frozen=True)
class PoolDemandSubmitted:
    demand_id: int
    status: str


async def submit_pool_demand(cmd: SubmitPoolDemand, uow: UnitOfWork, policy: DemandPolicy) -> PoolDemandSubmitted:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not actor.has(Role.ENTERPRISE_CONTACT):
            raise Forbidden("只有企业联系人可以发布企业需求")
        enterprises = await enterprises_of(uow, actor)
        enterprise_id = (
            cmd.enterprise_id if cmd.enterprise_id is not None else (enterprises[0] if len(enterprises) == 1 else None)
        )
        if enterprise_id is None or enterprise_id not in enterprises:
            raise NotFound("未找到该企业", code="enterprise_not_found")
        clean = f.clean(cmd.fields, uow.clock.now().date())
        await f.check_fee_ratio(uow, clean.fee_ratio_bp, None, policy.fee_floor_bp)
        await f.check_attachments(uow, clean.attachment_ids, actor.label)
        now = uow.clock.now()
        number = await next_number(uow, policy.zone)  # the counter row stays locked to the commit
        demand = Demand(
            number=number,
            enterprise_id=enterprise_id,
            origin=DemandOrigin.ENTERPRISE,
            institution_id=None,
            centre_id=None,
            staff_account_id=None,
            created_by=cmd.actor_id,
            status=next_status(Step.POOL, None),
            created_at=now,
            updated_at=now,
        )
        f.apply(demand, clean)
        uow.session.add(demand)
        await uow.session.flush()
        await step(uow, demand, Step.POOL, None, actor=actor.label)
        await uow.commit()
        return PoolDemandSubmitted(demand.id, demand.status)
