"""A foreign institution Z for the authorisation table's "not yours = not there" probe: in 宁波市海曙区, another
city than institution X (so neither X's members, nor X's district official, nor X's pool reach it), with one
record for every path parameter of a write route, each in the state the route acts on. The keys are World.ids'
(and the table's ALIASES'), without the per-role variants."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from handlers.demands.submit_demand import SubmitDemand, submit_demand
from handlers.demands.submit_pool_demand import SubmitPoolDemand, submit_pool_demand
from handlers.enterprises.enter_enterprise import EnterEnterprise, enter_enterprise
from handlers.expert_channel.publish_technology import PublishTechnology, publish_technology
from handlers.experts.expert_import.import_experts import ImportExperts
from handlers.experts.expert_import.upload_experts import upload_experts
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.projects.fields import ProjectFields
from handlers.projects.register_project import RegisterProject, register_project
from handlers.publications.publish_demand import PublishDemand, publish_demand
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.demands import Review
from store.models.membership import MembershipInvitation
from store.models.organisation import Role
from tests.api.conftest import World, build_institution, credit_code, xlsx
from tests.api.demand_world import FIELDS
from tests.api.expert_world import TECHNOLOGY
from tests.api.manager_world import manager_ids
from tests.api.project_world import today, upload
from tests.organisation.conftest import Org
from tests.policies import DEMANDS, SUBJECTS

REGION = "330203"
DEMAND = replace(FIELDS, region_code=REGION)


async def foreign_ids(base: Org, world: World) -> dict[str, Any]:
    z = await build_institution(
        base, 31, region=REGION, enterprise_name="宁波海曙智能家电有限公司", phone_prefix="1375555"
    )
    uow = base.uow
    contact = await world.account("郑联系", "13755550009", Role.ENTERPRISE_CONTACT, f"enterprise:{z.enterprise}")
    # A third institution, also in 宁波, the one Z publishes a demand to (never X).
    w, _w_admin = await base.institution("测试技术转移中心32", credit_code(32), mobile="13755560001", region=REGION)

    async def demand(draft: bool = False) -> int:
        return (await submit_demand(SubmitDemand(z.staff_account, z.enterprise, DEMAND, draft), uow, DEMANDS)).demand_id

    async def review_of(demand_id: int) -> int:
        async with base.container.sessionmaker() as session:
            review = await session.scalar(select(Review.id).where(Review.subject_id == demand_id))
        assert review is not None
        return review

    async def docking() -> int:
        demand_id = await demand()
        async with base.uow as unit:
            await decide_review(
                DecideReview(await review_of(demand_id), 0, Decision.APPROVE, "", account_id=z.admin),
                unit,
                subjects=SUBJECTS,
            )
            await unit.commit()
        return demand_id

    async def registered() -> tuple[int, int]:
        """A demand with its project registered, and the project's contract file."""
        demand_id = await docking()
        contract = await upload(base, z.staff_account, f"z-{demand_id}")
        fields = ProjectFields(
            "传感器封装联合开发",
            "development",
            10_000_000,
            today(base),
            "刘教授",
            ("王工",),
            "浙江大学",
            "university",
            "joint",
            contract,
        )
        await register_project(RegisterProject(z.staff_account, demand_id, fields), uow, DEMANDS)
        return demand_id, contract

    pending = await demand()
    registered_demand, registered_contract = await registered()
    published = await docking()
    publication = await publish_demand(PublishDemand(z.admin, published, "chosen", 1000, (w,)), uow, DEMANDS)
    code = await create_invitation_code(
        CreateInvitationCode(z.admin, z.id, base.container.clock.now() + timedelta(days=7), 5), uow
    )
    manual = await enter_enterprise(
        EnterEnterprise(
            z.admin,
            z.id,
            "宁波手工录入科技有限公司",
            credit_code(931),
            REGION,
            "浙江省宁波市海曙区中山西路2号",
            "王手工",
        ),
        uow,
        base.regions,
    )
    async with base.container.sessionmaker() as session:
        invitation = await session.scalar(
            select(MembershipInvitation.id).where(MembershipInvitation.account_id == z.staff_account)
        )
    technology = await publish_technology(PublishTechnology(z.expert_account, TECHNOLOGY), uow)
    return {
        "institution_id": z.id,
        "centre_id": z.centre,
        "staff_member_id": z.staff_member,
        "leaver_staff_member_id": z.staff_member,
        "expert_id": z.expert,
        "link_id": z.link,
        "enterprise_id": z.enterprise,
        "manual_enterprise_id": manual.enterprise_id,
        "invitation_code_id": code.invitation_code_id,
        "invitation_id": invitation,
        "account_id": z.staff_account,
        "demand_id": pending,
        "review_id": await review_of(pending),
        "draft_demand_id": await demand(True),
        "submit_demand_id": await demand(True),
        "withdraw_demand_id": await demand(),
        "close_demand_id": await demand(True),
        "pool_demand_id": (await submit_pool_demand(SubmitPoolDemand(contact, DEMAND), uow, DEMANDS)).demand_id,
        "docking_demand_id": await docking(),
        "staff_change_demand_id": await docking(),
        "project_demand_id": await docking(),
        "fee_demand_id": (await registered())[0],
        "registered_demand_id": registered_demand,
        "registered_contract_file_id": registered_contract,
        "publish_demand_id": await docking(),
        **await manager_ids(base, world, z.id, z.admin, "137555502"),
        "unpublish_demand_id": published,
        "publication_id": publication.publication_id,
        "technology_id": technology.technology_id,
        # Z's own import with an error file (its signed link is asked for with a POST).
        "import_id": (
            await upload_experts(
                ImportExperts(z.id, z.admin, xlsx([["坏行", "010-12345678"]]), "专家.xlsx"), uow, base.container.files
            )
        ).import_id,
    }
