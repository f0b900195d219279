"""A demand in docking at the bench institution (张三 docks it, 王主任 is the centre admin), and two more
institutions: 第31 (admin, centre admin, staff) and 第32 (admin, staff), all bound to DingTalk."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.publications.accept_publication import AcceptPublication, PublicationAccepted, accept_publication
from handlers.publications.publish_demand import PublishDemand, publish_demand
from handlers.publications.render_letter import CommitmentLetter, RenderCommitmentLetter, render_commitment_letter
from handlers.staff.add_staff import AddStaff, add_staff
from tests.api.conftest import credit_code
from tests.demands.conftest import bind
from tests.follow_ups.conftest import Docking, beijing, docking  # noqa: F401  (fixture)
from tests.organisation.conftest import org, regions, registry  # noqa: F401  (fixtures)
from tests.policies import DEMANDS, MEMBERSHIP


@dataclass
class Other:
    id: int
    admin: int
    centre: int
    centre_admin: int
    staff: int
    staff_member: int
    centre_admin_member: int


@dataclass
class Market:
    docking: Docking
    a: Other
    b: Other

    @property
    def publisher_admin(self) -> int:
        return self.docking.bench.admin_id

    @property
    def demand_id(self) -> int:
        return self.docking.demand_id

    async def publish(
        self, audience: str = "all", fee_ratio_bp: int = 1000, institution_ids: tuple[int, ...] = ()
    ) -> int:
        cmd = PublishDemand(self.publisher_admin, self.demand_id, audience, fee_ratio_bp, institution_ids)
        return (await publish_demand(cmd, self.docking.bench.org.uow, DEMANDS)).publication_id

    async def letter(self, actor: int, publication_id: int) -> CommitmentLetter:
        return await render_commitment_letter(RenderCommitmentLetter(actor, publication_id), self.docking.bench.org.uow)

    async def accept(self, side: Other, publication_id: int) -> PublicationAccepted:
        letter = await self.letter(side.admin, publication_id)
        cmd = AcceptPublication(side.admin, publication_id, letter.letter_version, letter.sha256, side.staff_member)
        return await accept_publication(cmd, self.docking.bench.org.uow, DEMANDS)


async def other(docking: Docking, n: int) -> Other:  # noqa: F811
    base = docking.bench.org
    inst, admin = await base.institution(
        f"第{n}技术转移中心", credit_code(n), mobile=f"1380000{n:04d}", region="330114"
    )
    centre = (
        await create_centre(CreateCentre(admin, inst, f"第{n}分中心", "330114"), base.uow, base.regions)
    ).centre_id
    staff = await add_staff(
        AddStaff(admin, centre, f"技转{n}", f"1381000{n:04d}", "技术经纪人"), base.uow, membership=MEMBERSHIP
    )
    boss = await add_staff(
        AddStaff(admin, centre, f"主任{n}", f"1382000{n:04d}", "主任", True), base.uow, membership=MEMBERSHIP
    )
    for account, userid in (
        (admin, f"dt-admin-{n}"),
        (staff.account_id, f"dt-staff-{n}"),
        (boss.account_id, f"dt-boss-{n}"),
    ):
        await bind(docking.bench.container, account, userid)
    return Other(inst, admin, centre, boss.account_id, staff.account_id, staff.staff_member_id, boss.staff_member_id)


@pytest.fixture
async def market(docking: Docking) -> Market:  # noqa: F811
    a, b = await other(docking, 31), await other(docking, 32)
    docking.clock.set(beijing(2025, 10, 9, 10))
    return Market(docking, a, b)
