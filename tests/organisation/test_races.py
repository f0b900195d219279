"""Requests racing past the same checks end as sequential ones would: the unique constraints decide, the
loser's transaction is tried again and sees the winner's rows."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select, update

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.errors import Conflict, Forbidden
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.organisation import Account, AccountStatus
from store.models.organisation_people import Enterprise, EnterpriseLink, Expert, ExpertLink
from tests.organisation.conftest import Org, refused
from tests.policies import MEMBERSHIP

CODE_B = "12330100MB0123456R"


async def _two_institutions(org: Org) -> tuple[tuple[int, int], tuple[int, int]]:
    a = await org.institution()
    b = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    return a, b


async def test_two_institutions_adding_the_same_new_expert_at_once(org: Org) -> None:
    (inst_a, admin_a), (inst_b, admin_b) = await _two_institutions(org)
    results = await asyncio.gather(
        add_expert(AddExpert(admin_a, inst_a, "钱教授", "13500000001"), org.uow),
        add_expert(AddExpert(admin_b, inst_b, "钱教授", "13500000001"), org.uow),
    )
    assert len({r.expert_id for r in results}) == 1
    assert sorted(r.new_person for r in results) == [False, True]
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Expert)) == 1
        assert await s.scalar(select(func.count()).select_from(ExpertLink)) == 2
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings


async def test_the_same_staff_member_added_twice_at_once(org: Org) -> None:
    (inst, admin), _ = await _two_institutions(org)
    centre = (await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)).centre_id
    results = await asyncio.gather(
        *(
            add_staff(AddStaff(admin, centre, "王技转", "13600000001", "经纪人"), org.uow, membership=MEMBERSHIP)
            for _ in range(3)
        ),
        return_exceptions=True,
    )
    winners = [r for r in results if not isinstance(r, BaseException)]
    losers = [r for r in results if isinstance(r, BaseException)]
    assert len(winners) == 1
    assert all(isinstance(e, Conflict) and e.code == "staff_exists" for e in losers), losers


async def test_one_enterprise_added_by_two_institutions_at_once(org: Org) -> None:
    (inst_a, admin_a), (inst_b, admin_b) = await _two_institutions(org)
    name = "杭州临平数控技术有限公司"
    results = await asyncio.gather(
        add_enterprise(AddEnterprise(admin_a, inst_a, name), org.uow, org.registry, org.regions),
        add_enterprise(AddEnterprise(admin_b, inst_b, name), org.uow, org.registry, org.regions),
    )
    assert len({r.enterprise_id for r in results}) == 1
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(func.count()).select_from(Enterprise)) == 1
        assert await s.scalar(select(func.count()).select_from(EnterpriseLink)) == 2


async def test_a_disabled_account_is_not_given_new_roles_and_acts_as_nobody(org: Org) -> None:
    (inst, admin), _ = await _two_institutions(org)
    await add_expert(AddExpert(admin, inst, "钱教授", "13500000001"), org.uow)
    async with org.container.sessionmaker() as s, s.begin():
        await s.execute(update(Account).where(Account.mobile == "13500000001").values(status=AccountStatus.DISABLED))
    centre = (await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)).centre_id
    await refused(
        org.container,
        add_staff(AddStaff(admin, centre, "钱教授", "13500000001", "经纪人"), org.uow, membership=MEMBERSHIP),
        Conflict,
        "account_disabled",
    )
    async with org.container.sessionmaker() as s, s.begin():
        await s.execute(update(Account).where(Account.id == admin).values(status=AccountStatus.DISABLED))
    await refused(
        org.container,
        create_centre(CreateCentre(admin, inst, "另一个", "330114"), org.uow, org.regions),
        Forbidden,
        "forbidden",
    )
