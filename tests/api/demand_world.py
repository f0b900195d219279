"""Demands for the authorisation table: one per route whose effect would spoil another call (a closed demand
cannot be closed twice, a pooled demand is taken up once), all of institution X, submitted through the use cases."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from sqlalchemy import select

from handlers.demands.fields import DemandFields
from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.demands.submit_pool_demand import SubmitPoolDemand, submit_pool_demand
from store.models.demands import Review
from tests.organisation.conftest import Org

FIELDS = DemandFields(title="传感器封装工艺改进", tech_fields=("0101",), description="封装良率偏低。",
                      region_code="330106", expected_result="良率提升", fee_ratio_bp=800)


def attachment(n: int) -> FormData:
    form = FormData()
    form.add_field("file", b"%PDF-1.4\n%" + str(n).encode() + b"\n1 0 obj\n<<>>\nendobj\nstartxref\n0\n%%EOF\n",
                   filename=f"需求说明{n}.pdf", content_type="application/pdf")
    return form


def body(enterprise_id: int | None = None) -> dict[str, Any]:
    fields = {"title": "新需求", "tech_fields": ["0101"], "description": "需求描述", "region_code": "330106",
              "expected_result": "预期效果", "fee_ratio_bp": 800}
    return {"json": fields if enterprise_id is None else {**fields, "enterprise_id": enterprise_id}}


async def demand_ids(base: Org, staff: int, enterprise: int, contact: int) -> dict[str, int]:
    async def by_staff(draft: bool) -> int:
        return (await submit_demand(SubmitDemand(staff, enterprise, FIELDS, draft), base.uow)).demand_id

    async def pooled() -> int:
        return (await submit_pool_demand(SubmitPoolDemand(contact, FIELDS), base.uow)).demand_id

    pending = await by_staff(False)
    async with base.container.sessionmaker() as session:
        review = await session.scalar(select(Review.id).where(Review.subject_id == pending))
    assert review is not None
    return {
        "demand_id": pending, "review_id": review, "draft_demand_id": await by_staff(True),
        "submit_demand_id": await by_staff(True), "withdraw_demand_id": await by_staff(False),
        "close_demand_id:institution_admin": await by_staff(True), "close_demand_id": await by_staff(True),
        "pool_demand_id:institution_admin": await pooled(), "pool_demand_id": await pooled(),
    }


async def docking_ids(base: Org, admin: int, staff: int, enterprise: int) -> dict[str, int]:
    """Demands in docking (approved by the institution admin): one for follow-ups, one whose staff is changed."""
    from handlers.reviews.decide_review import DecideReview, Decision, decide_review

    async def docking() -> int:
        demand = (await submit_demand(SubmitDemand(staff, enterprise, FIELDS, False), base.uow)).demand_id
        async with base.container.sessionmaker() as session:
            review = await session.scalar(select(Review.id).where(Review.subject_id == demand))
        assert review is not None
        async with base.uow as uow:
            await decide_review(DecideReview(review, 0, Decision.APPROVE, "", account_id=admin), uow)
            await uow.commit()
        return demand

    return {"docking_demand_id": await docking(), "staff_change_demand_id": await docking()}
