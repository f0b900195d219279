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
from tests.policies import DEMANDS, MEMBERSHIP, SUBJECTS

FIELDS = DemandFields(
    title="传感器封装工艺改进",
    tech_fields=("0101",),
    description="封装良率偏低。",
    region_code="330106",
    expected_result="良率提升",
    fee_ratio_bp=800,
)


def attachment(n: int) -> FormData:
    form = FormData()
    form.add_field(
        "file",
        b"%PDF-1.4\n%" + str(n).encode() + b"\n1 0 obj\n<<>>\nendobj\nstartxref\n0\n%%EOF\n",
        filename=f"需求说明{n}.pdf",
        content_type="application/pdf",
    )
    return form


def body(enterprise_id: int | None = None) -> dict[str, Any]:
    fields = {
        "title": "新需求",
        "tech_fields": ["0101"],
        "description": "需求描述",
        "region_code": "330106",
        "expected_result": "预期效果",
        "fee_ratio_bp": 800,
    }
    return {"json": fields if enterprise_id is None else {**fields, "enterprise_id": enterprise_id}}


async def demand_ids(base: Org, staff: int, enterprise: int, contact: int) -> dict[str, int]:
    async def by_staff(draft: bool) -> int:
        return (await submit_demand(SubmitDemand(staff, enterprise, FIELDS, draft), base.uow, DEMANDS)).demand_id

    async def pooled() -> int:
        return (await submit_pool_demand(SubmitPoolDemand(contact, FIELDS), base.uow, DEMANDS)).demand_id

    pending = await by_staff(False)
    async with base.container.sessionmaker() as session:
        review = await session.scalar(select(Review.id).where(Review.subject_id == pending))
    assert review is not None
    return {
        "demand_id": pending,
        "review_id": review,
        "draft_demand_id": await by_staff(True),
        "submit_demand_id": await by_staff(True),
        "withdraw_demand_id": await by_staff(False),
        "close_demand_id:institution_admin": await by_staff(True),
        "close_demand_id": await by_staff(True),
        "pool_demand_id:institution_admin": await pooled(),
        "pool_demand_id": await pooled(),
    }


async def docking_ids(base: Org, admin: int, staff: int, enterprise: int) -> dict[str, int]:
    """Demands in docking (approved by the institution admin): one for follow-ups, one whose staff is changed."""
    from handlers.reviews.decide_review import DecideReview, Decision, decide_review

    async def docking() -> int:
        demand = (await submit_demand(SubmitDemand(staff, enterprise, FIELDS, False), base.uow, DEMANDS)).demand_id
        async with base.container.sessionmaker() as session:
            review = await session.scalar(select(Review.id).where(Review.subject_id == demand))
        assert review is not None
        async with base.uow as uow:
            await decide_review(DecideReview(review, 0, Decision.APPROVE, "", account_id=admin), uow, subjects=SUBJECTS)
            await uow.commit()
        return demand

    return {"docking_demand_id": await docking(), "staff_change_demand_id": await docking()}


async def publication_ids(
    base: Org, x_admin: int, x_staff: int, x_staff_member: int, enterprise: int
) -> dict[str, Any]:
    """需求公开: two docking demands of X (one to publish, one published to withdraw), and a demand of a second
    institution Y published to all, whose letter X's admin has read (its version and hash)."""
    from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
    from handlers.institutions.create_centre import CreateCentre, create_centre
    from handlers.publications.publish_demand import PublishDemand, publish_demand
    from handlers.publications.render_letter import RenderCommitmentLetter, render_commitment_letter
    from handlers.staff.add_staff import AddStaff, add_staff
    from tests.api.conftest import credit_code

    x_docking = await docking_ids(base, x_admin, x_staff, enterprise)
    await publish_demand(PublishDemand(x_admin, x_docking["staff_change_demand_id"], "all", 1000), base.uow, DEMANDS)
    y, y_admin = await base.institution("测试技术转移中心9", credit_code(9), mobile="13799990001", region="330106")
    centre = (await create_centre(CreateCentre(y_admin, y, "分中心9", "330106"), base.uow, base.regions)).centre_id
    y_staff = (
        await add_staff(AddStaff(y_admin, centre, "技转9", "13799990002", "技术经理"), base.uow, membership=MEMBERSHIP)
    ).account_id
    served = (
        await add_enterprise(
            AddEnterprise(y_admin, y, "杭州云栖智能传感科技有限公司"), base.uow, base.registry, base.regions
        )
    ).enterprise_id
    y_demand = (await docking_ids(base, y_admin, y_staff, served))["docking_demand_id"]
    publication = (
        await publish_demand(PublishDemand(y_admin, y_demand, "all", 1000), base.uow, DEMANDS)
    ).publication_id
    letter = await render_commitment_letter(RenderCommitmentLetter(x_admin, publication), base.uow)
    return {
        "publish_demand_id": x_docking["docking_demand_id"],
        "unpublish_demand_id": x_docking["staff_change_demand_id"],
        "publication_id": publication,
        "letter_version": letter.letter_version,
        "letter_sha256": letter.sha256,
        "accept_staff_member_id": x_staff_member,
    }
