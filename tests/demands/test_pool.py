"""The pool (揭榜): an enterprise contact posts a demand; institutions with a centre in the enterprise's city see
it; the first to take it up wins, names the docking staff member, and the demand enters that institution's review."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from sqlalchemy import select

from handlers.demands.get_demand import GetDemand, get_demand
from handlers.demands.list_demand_pool import ListDemandPool, list_demand_pool
from handlers.demands.list_demands import ListDemands, list_demands
from handlers.demands.submit_pool_demand import SubmitPoolDemand, submit_pool_demand
from handlers.demands.take_up_demand import DemandTakenUp, TakeUpDemand, take_up_demand
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.demands import DemandStatus
from store.models.organisation import Account
from tests.api.conftest import credit_code
from tests.demands.conftest import CONTACT_MOBILE, FIELDS, Bench, bind, demand_of, outbox, reviews_of, tasks_of
from tests.organisation.conftest import refused
from tests.policies import DEMANDS, MEMBERSHIP


async def contact_id(bench: Bench) -> int:
    async with bench.container.sessionmaker() as session:
        found = await session.scalar(select(Account.id).where(Account.mobile == CONTACT_MOBILE))
        assert found is not None
        return found


async def other_institution(bench: Bench, n: int, region: str) -> tuple[int, int]:
    """(admin, staff) of a further institution with one centre in `region`."""
    org = bench.org
    inst, admin = await org.institution(f"第{n}技术转移中心", credit_code(n), mobile=f"1380000{n:04d}", region=region)
    centre = (await create_centre(CreateCentre(admin, inst, f"第{n}分中心", region), org.uow, org.regions)).centre_id
    staff = await add_staff(
        AddStaff(admin, centre, f"技转{n}", f"1381000{n:04d}", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    await bind(bench.container, admin, f"dt-admin-{n}")
    return admin, staff.account_id


async def test_pool_take_up_and_review(bench: Bench) -> None:
    contact = await contact_id(bench)
    posted = await submit_pool_demand(
        SubmitPoolDemand(contact, replace(FIELDS, fee_ratio_bp=600)), bench.org.uow, DEMANDS
    )
    assert posted.status == DemandStatus.POOLED
    hz_admin, hz_staff = await other_institution(bench, 21, "330114")
    nb_admin, nb_staff = await other_institution(bench, 22, "330203")

    # Hangzhou institutions see it in the pool; the Ningbo one does not; the contact sees their own demand.
    seen = await list_demand_pool(ListDemandPool(hz_admin), bench.org.uow, DEMANDS)
    assert [r.demand_id for r in seen.items] == [posted.demand_id]
    assert (await list_demand_pool(ListDemandPool(nb_admin), bench.org.uow, DEMANDS)).items == ()
    assert [r.status_label for r in (await list_demands(ListDemands(contact), bench.org.uow)).items] == ["待揭榜"]
    await refused(
        bench.container, list_demand_pool(ListDemandPool(contact), bench.org.uow, DEMANDS), Forbidden, "forbidden"
    )
    await refused(
        bench.container,
        take_up_demand(TakeUpDemand(nb_admin, posted.demand_id, nb_staff), bench.org.uow, DEMANDS),
        NotFound,
        "not_found",
    )

    # The bench institution's minimum is 5 %, the other Hangzhou institution's 8 %: its take-up is refused.
    async with bench.container.sessionmaker() as session, session.begin():
        from store.models.organisation import Institution, StaffMember

        hz_inst = await session.scalar(select(StaffMember.institution_id).where(StaffMember.account_id == hz_staff))
        institution = await session.get(Institution, hz_inst)
        assert institution is not None
        institution.min_fee_ratio_bp = 800
    # The pool says so before anyone tries, in the words the take-up refuses with; the bench institution may.
    [listed] = (await list_demand_pool(ListDemandPool(hz_admin), bench.org.uow, DEMANDS)).items
    assert not listed.can_take_up
    assert listed.take_up_refusal == "该需求的中介服务费比例6%低于本机构的最低比例8%，不能揭榜"
    [ours] = (await list_demand_pool(ListDemandPool(bench.admin_id), bench.org.uow, DEMANDS)).items
    assert (ours.can_take_up, ours.take_up_refusal) == (True, None)
    try:
        await take_up_demand(TakeUpDemand(hz_admin, posted.demand_id, hz_staff), bench.org.uow, DEMANDS)
    except InvalidInput as e:
        assert (e.code, e.message) == ("fee_ratio_below_institution", listed.take_up_refusal)
    else:
        raise AssertionError("the take-up below the institution's minimum went through")
    await refused(
        bench.container,
        take_up_demand(TakeUpDemand(hz_admin, posted.demand_id, hz_staff), bench.org.uow, DEMANDS),
        InvalidInput,
        "fee_ratio_below_institution",
    )
    async with bench.container.sessionmaker() as session, session.begin():
        institution = await session.get(Institution, hz_inst)
        assert institution is not None
        institution.min_fee_ratio_bp = 500
    [listed] = (await list_demand_pool(ListDemandPool(hz_staff), bench.org.uow, DEMANDS)).items
    assert (listed.can_take_up, listed.take_up_refusal) == (True, None)  # a staff member sees their institution's

    # Two institutions take it up at the same moment: exactly one wins.
    results = await asyncio.gather(
        take_up_demand(TakeUpDemand(bench.admin_id, posted.demand_id, bench.staff_id), bench.org.uow, DEMANDS),
        take_up_demand(TakeUpDemand(hz_admin, posted.demand_id, hz_staff), bench.org.uow, DEMANDS),
        return_exceptions=True,
    )
    [won] = [r for r in results if isinstance(r, DemandTakenUp)]
    [lost] = [r for r in results if not isinstance(r, DemandTakenUp)]
    assert isinstance(lost, Conflict) and lost.code == "already_taken", results
    demand = await demand_of(bench.container, posted.demand_id)
    assert demand.status == DemandStatus.PENDING_REVIEW and demand.institution_id == won.institution_id
    [review] = await reviews_of(bench.container, posted.demand_id)
    [task] = await tasks_of(bench.container, review.id)
    winner_admin = bench.admin_id if won.institution_id == bench.institution_id else hz_admin
    assert task.reviewer_account_id == winner_admin
    [sms] = await outbox(bench.container, "sms", CONTACT_MOBILE)
    assert sms.payload["params"]["status"].startswith("已由") and sms.payload["params"]["status"].endswith("揭榜对接")
    detail = await get_demand(GetDemand(contact, posted.demand_id), bench.org.uow)
    assert [s.action for s in detail.timeline] == ["pool", "take_up"] and detail.status_label == "待审核"
    # Taken: gone from the pool.
    assert (await list_demand_pool(ListDemandPool(hz_admin), bench.org.uow, DEMANDS)).items == ()


async def test_only_enterprise_contacts_post_to_the_pool(bench: Bench) -> None:
    await refused(
        bench.container,
        submit_pool_demand(SubmitPoolDemand(bench.staff_id, FIELDS), bench.org.uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    await refused(
        bench.container,
        submit_pool_demand(
            SubmitPoolDemand(await contact_id(bench), replace(FIELDS, fee_ratio_bp=300)), bench.org.uow, DEMANDS
        ),
        InvalidInput,
        "fee_ratio_below_floor",
    )
