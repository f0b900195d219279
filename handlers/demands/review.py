"""A demand entering review: the demand chain, with the demand's card summary and detail link."""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.policy import DemandPolicy
from handlers.reviews.chains import CHAINS, DEMAND_REVIEW
from handlers.reviews.start_review import ReviewSubject, start_review
from store.models.demands import Demand, Review
from store.models.organisation_people import Enterprise
from store.uow import UnitOfWork


async def enter_review(uow: UnitOfWork, demand: Demand, policy: DemandPolicy) -> Review:
    enterprise = await uow.session.scalar(select(Enterprise.name).where(Enterprise.id == demand.enterprise_id))
    ratio = f"{demand.fee_ratio_bp / 100:g}%"
    summary = f"需求编号：{demand.number}\n企业：{enterprise or ''}\n中介服务费比例：{ratio}\n{demand.description[:60]}"
    submitter = demand.staff_account_id if demand.staff_account_id is not None else demand.created_by
    # The configured chain (its limit is a setting), registered under the demand chain's name.
    return await start_review(
        uow,
        CHAINS[DEMAND_REVIEW.name],
        ReviewSubject(
            "demand",
            demand.id,
            demand.title,
            summary,
            policy.link(demand.id),
            demand.institution_id,
            demand.region_code,
            submitter,
        ),
    )
