"""Two institutions maintaining one expert (王教授), a third one's demand he must not see, and demands in every
state the expert channel cares about, built through the use cases."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select

from bot.bootstrap import Container
from handlers.auth.sessions import issue_session
from handlers.demands.fields import DemandFields
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from store.models.auth import SessionKind
from store.models.demands import Review
from tests.api.conftest import credit_code
from tests.demands.conftest import FIELDS, Bench, build_bench
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)
from tests.policies import MEMBERSHIP, SUBJECTS

EXPERT_MOBILE = "13900000101"


@dataclass
class ExpertWorld:
    a: Bench  # 张三's institution, in 西湖区 (330106)
    b: Bench  # a second institution maintaining the same expert
    c: Bench  # an institution that does not maintain him
    expert_id: int
    expert_account: int
    other_expert_account: int  # maintained by C only

    @property
    def container(self) -> Container:
        return self.a.container


async def approved(bench: Bench, **changes: Any) -> int:
    """A demand of the bench's institution, submitted and approved: 对接中."""
    demand_id = (await bench.submit(**changes)).demand_id
    async with bench.container.sessionmaker() as session:
        review = await session.scalar(
            select(Review.id).where(Review.subject_type == "demand", Review.subject_id == demand_id)
        )
    assert review is not None
    async with bench.org.uow as uow:
        await decide_review(
            DecideReview(review, 0, Decision.APPROVE, "", account_id=bench.admin_id), uow, subjects=SUBJECTS
        )
        await uow.commit()
    return demand_id


async def build_expert_world(org: Org, staff_mobile: str = "13800000004") -> ExpertWorld:  # noqa: F811
    a = await build_bench(org, staff_mobile=staff_mobile)
    b = await _second_bench(org, 2, "13811110001", "13811110002")
    c = await _second_bench(org, 3, "13822220001", "13822220002")
    first = await add_expert(
        AddExpert(a.admin_id, a.institution_id, "王教授", EXPERT_MOBILE, "教授", "浙江大学"), org.uow
    )
    await add_expert(AddExpert(b.admin_id, b.institution_id, "王教授", EXPERT_MOBILE, "教授", "浙江大学"), org.uow)
    other = await add_expert(
        AddExpert(c.admin_id, c.institution_id, "李研究员", "13900000102", "研究员", "中科院"), org.uow
    )
    return ExpertWorld(a, b, c, first.expert_id, first.account_id, other.account_id)


async def _second_bench(org: Org, n: int, admin_mobile: str, staff_mobile: str) -> Bench:  # noqa: F811
    from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
    from handlers.institutions.create_centre import CreateCentre, create_centre
    from handlers.staff.add_staff import AddStaff, add_staff
    from sandbox.registry import RECORDS

    inst, admin = await org.institution(f"第{n}技术转移中心", credit_code(900 + n), mobile=admin_mobile)
    centre = (await create_centre(CreateCentre(admin, inst, f"分中心{n}", "330106"), org.uow, org.regions)).centre_id
    staff = await add_staff(
        AddStaff(admin, centre, f"技转{n}", staff_mobile, "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    enterprise = await add_enterprise(AddEnterprise(admin, inst, RECORDS[n].name), org.uow, org.registry, org.regions)
    return Bench(org, inst, admin, centre, staff.account_id, enterprise.enterprise_id)


async def token(container: Container, account_id: int | None) -> str:
    async with container.uow() as uow:
        issued = await issue_session(
            uow, container.auth_policy, account_id, SessionKind.MINI_PROGRAM, openid=None if account_id else "o-unbound"
        )
        await uow.commit()
    return issued.token


async def count(container: Container, model: type[Any]) -> int:
    async with container.sessionmaker() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


def fields(**changes: Any) -> DemandFields:
    return replace(FIELDS, **changes)
