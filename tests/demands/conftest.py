"""An institution with a centre, a staff member, a served enterprise with a contact, DingTalk bindings, and helpers."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.demands.fields import DemandFields
from handlers.demands.submit_demand import DemandSubmitted, SubmitDemand, submit_demand
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.membership.policy import MembershipPolicy
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.auth import DingTalkBinding
from store.models.demands import Demand, DemandEvent, Review, ReviewTask
from store.models.outbox import OutboxMessage
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401
from tests.policies import DEMANDS, MEMBERSHIP

FIELDS = DemandFields(
    title="高精度MEMS压力传感器封装工艺改进",
    tech_fields=("0101",),
    description="现有封装良率偏低，需要工艺改进方案。",
    region_code="330106",
    expected_result="良率提升到95%以上",
    fee_ratio_bp=800,
    budget_fen=50_000_000,
    deadline=date(2027, 6, 30),
)
ENTERPRISE = "杭州云栖智能传感科技有限公司"
CONTACT_MOBILE = "13900000005"


@dataclass
class Bench:
    org: Org
    institution_id: int
    admin_id: int
    centre_id: int
    staff_id: int
    enterprise_id: int

    @property
    def container(self) -> Container:
        return self.org.container

    async def submit(self, *, draft: bool = False, **changes: Any) -> DemandSubmitted:
        return await submit_demand(
            SubmitDemand(self.staff_id, self.enterprise_id, replace(FIELDS, **changes), draft), self.org.uow, DEMANDS
        )


async def build_bench(
    org: Org,
    membership: MembershipPolicy = MEMBERSHIP,  # noqa: F811
    admin_mobile: str = "13800000001",
    staff_mobile: str = "13800000004",
) -> Bench:
    inst, admin = await org.institution(mobile=admin_mobile)
    centre = (
        await create_centre(CreateCentre(admin, inst, "杭州西湖分中心", "330106"), org.uow, org.regions)
    ).centre_id
    staff = await add_staff(AddStaff(admin, centre, "张三", staff_mobile, "技术经纪人"), org.uow, membership=membership)
    enterprise = await add_enterprise(AddEnterprise(admin, inst, ENTERPRISE), org.uow, org.registry, org.regions)
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise.enterprise_id, "陈经理", "总经理", CONTACT_MOBILE), org.uow
    )
    return Bench(org, inst, admin, centre, staff.account_id, enterprise.enterprise_id)


@pytest.fixture
async def bench(org: Org) -> Bench:  # noqa: F811
    b = await build_bench(org)
    await bind(b.container, b.admin_id, "dt-admin")
    await bind(b.container, b.staff_id, "dt-zhang")
    return b


async def bind(container: Container, account_id: int, userid: str) -> None:
    async with container.sessionmaker() as session, session.begin():
        session.add(DingTalkBinding(account_id=account_id, userid=userid, created_at=container.clock.now()))


async def demand_of(container: Container, demand_id: int) -> Demand:
    async with container.sessionmaker() as session:
        found = await session.get(Demand, demand_id)
        assert found is not None
        return found


async def timeline(container: Container, demand_id: int) -> list[tuple[str, str, str]]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(DemandEvent).where(DemandEvent.demand_id == demand_id).order_by(DemandEvent.id)
        )
        return [(r.action, r.to_status, r.actor_name) for r in rows]


async def reviews_of(container: Container, demand_id: int) -> list[Review]:
    async with container.sessionmaker() as session:
        return list(await session.scalars(select(Review).where(Review.subject_id == demand_id).order_by(Review.id)))


async def tasks_of(container: Container, review_id: int) -> list[ReviewTask]:
    async with container.sessionmaker() as session:
        return list(
            await session.scalars(select(ReviewTask).where(ReviewTask.review_id == review_id).order_by(ReviewTask.id))
        )


async def outbox(container: Container, channel: str, recipient: str | None = None) -> list[OutboxMessage]:
    async with container.sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.channel == channel)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(await session.scalars(query.order_by(OutboxMessage.id)))
