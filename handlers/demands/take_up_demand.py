"""揭榜: an institution's admin (or a centre admin) takes up a pooled demand and names the staff member who
docks it. The first institution wins: one conditional UPDATE on the still-pooled row; the demand then enters
the institution's review like any other."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import CursorResult, select, update

from handlers.demands.access import locked, staff_post
from handlers.demands.notify_enterprise import notify_enterprise
from handlers.demands.policy import DemandPolicy
from handlers.demands.pool import cities_of, minimums_of, take_up_refusal
from handlers.demands.review import enter_review
from handlers.demands.states import Step
from handlers.demands.timeline import step
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.organisation.actors import load_actor
from store.models.demands import Demand, DemandOrigin, DemandStatus
from store.models.organisation import Institution, Role
from store.models.organisation_people import Enterprise, EnterpriseLink
from store.uow import UnitOfWork


@dataclass(frozen=True)
class TakeUpDemand:
    actor_id: int
    demand_id: int
    staff_account_id: int


@dataclass(frozen=True)
class DemandTakenUp:
    demand_id: int
    institution_id: int
    review_id: int


async def take_up_demand(cmd: TakeUpDemand, uow: UnitOfWork, policy: DemandPolicy) -> DemandTakenUp:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        post = await staff_post(uow, cmd.staff_account_id)
        managed = actor.institutions(Role.INSTITUTION_ADMIN) | {
            g.institution_id
            for g in actor.grants
            if g.role == Role.CENTRE_ADMIN and post is not None and g.centre_id == post.centre_id
        }
        if not managed:
            raise Forbidden("只有机构管理员或中心管理员可以揭榜")
        if post is None or post.institution_id not in managed:
            raise NotFound("未找到该技转人员", code="staff_not_found")
        institution_id = post.institution_id
        demand = await uow.session.get(Demand, cmd.demand_id)
        enterprise = await uow.session.get(Enterprise, demand.enterprise_id) if demand is not None else None
        if (
            demand is None
            or enterprise is None
            or demand.origin != DemandOrigin.ENTERPRISE
            or (enterprise.region_code[:4] not in await cities_of(uow, {institution_id}))
        ):
            raise NotFound("未找到该需求")
        if demand.status != DemandStatus.POOLED:
            raise Conflict("该需求已被揭榜", code="already_taken")
        minimum = (await minimums_of(uow, {institution_id}))[institution_id]
        if refusal := take_up_refusal(demand.fee_ratio_bp, minimum, policy.fee_floor_bp):
            raise InvalidInput(refusal.message, code=refusal.code)
        result = await uow.session.execute(
            update(Demand)
            .where(Demand.id == demand.id, Demand.status == DemandStatus.POOLED)
            .values(
                institution_id=institution_id,
                centre_id=post.centre_id,
                staff_account_id=cmd.staff_account_id,
                status=DemandStatus.PENDING_REVIEW,
                updated_at=uow.clock.now(),
            )
            .execution_options(synchronize_session=False)
        )
        if not isinstance(result, CursorResult) or result.rowcount != 1:
            raise Conflict("该需求已被其他机构揭榜", code="already_taken")
        demand = await locked(uow, demand.id)
        await uow.session.refresh(demand)
        await _keep_enterprise(uow, demand.enterprise_id, institution_id, actor.account_id)
        name = await uow.session.scalar(select(Institution.name).where(Institution.id == institution_id)) or ""
        await step(
            uow,
            demand,
            Step.TAKE_UP,
            DemandStatus.POOLED,
            actor=actor.label,
            note=name,
            data={"institution_id": institution_id, "staff_account_id": cmd.staff_account_id},
        )
        review = await enter_review(uow, demand, policy)
        await notify_enterprise(uow, demand, f"已由{name[:20]}揭榜对接", policy)
        await uow.commit()
        return DemandTakenUp(demand.id, institution_id, review.id)


async def _keep_enterprise(uow: UnitOfWork, enterprise_id: int, institution_id: int, actor_id: int) -> None:
    """The institution now serves the enterprise: it appears among the institution's enterprises."""
    linked = await uow.session.scalar(
        select(EnterpriseLink.id).where(
            EnterpriseLink.enterprise_id == enterprise_id, EnterpriseLink.institution_id == institution_id
        )
    )
    if linked is None:
        uow.session.add(
            EnterpriseLink(
                enterprise_id=enterprise_id,
                institution_id=institution_id,
                added_by=actor_id,
                created_at=uow.clock.now(),
            )
        )
