"""A staff member records a demand for an enterprise their institution serves: as a draft or straight to review."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands import fields as f
from handlers.demands.access import staff_post
from handlers.demands.numbering import next_number
from handlers.demands.policy import DemandPolicy
from handlers.demands.review import enter_review
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import load_actor
from store.models.demands import Demand, DemandOrigin
from store.models.organisation import Role
from store.models.organisation_people import EnterpriseLink
from store.uow import UnitOfWork


@dataclass(frozen=True)
class SubmitDemand:
    actor_id: int
    enterprise_id: int
    fields: f.DemandFields
    draft: bool = False


@dataclass(frozen=True)
class DemandSubmitted:
    demand_id: int
    status: str
    review_id: int | None


async def submit_demand(cmd: SubmitDemand, uow: UnitOfWork, policy: DemandPolicy) -> DemandSubmitted:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        post = await staff_post(uow, cmd.actor_id)
        if post is None or post.institution_id not in actor.institutions(Role.STAFF, Role.CENTRE_ADMIN):
            raise Forbidden("只有技转人员可以提交需求")
        linked = await uow.session.scalar(
            select(EnterpriseLink.id).where(
                EnterpriseLink.enterprise_id == cmd.enterprise_id, EnterpriseLink.institution_id == post.institution_id
            )
        )
        if linked is None:
            raise NotFound("未找到该企业", code="enterprise_not_found")
        # A draft saves at any time; it is checked fully when it is sent to review (resubmit_demand).
        clean = f.clean(cmd.fields, uow.clock.now().date(), draft=cmd.draft)
        if not cmd.draft:
            await f.check_fee_ratio(uow, clean.fee_ratio_bp, post.institution_id, policy.fee_floor_bp)
        await f.check_attachments(uow, clean.attachment_ids, actor.label)
        action = Step.SAVE_DRAFT if cmd.draft else Step.SUBMIT
        now = uow.clock.now()
        number = await next_number(uow, policy.zone)  # the counter row stays locked to the commit
        demand = Demand(
            number=number,
            enterprise_id=cmd.enterprise_id,
            origin=DemandOrigin.STAFF,
            institution_id=post.institution_id,
            centre_id=post.centre_id,
            staff_account_id=cmd.actor_id,
            created_by=cmd.actor_id,
            status=next_status(action, None),
            created_at=now,
            updated_at=now,
        )
        f.apply(demand, clean)
        uow.session.add(demand)
        await uow.session.flush()
        await step(uow, demand, action, None, actor=actor.label)
        review = None if cmd.draft else await enter_review(uow, demand, policy)
        await uow.commit()
        return DemandSubmitted(demand.id, demand.status, review.id if review else None)
