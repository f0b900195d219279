"""Membership fixtures: the organisation fixtures, an institution with a centre, and readers of the outbox."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.membership.policy import MembershipPolicy
from handlers.staff.add_staff import AddStaff, StaffAdded, add_staff
from store.models.membership import MembershipInvitation
from store.models.outbox import OutboxMessage
from tests.auth.conftest import policy  # noqa: F401  (fixture)
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)


@dataclass
class Institution:
    org: Org
    institution_id: int
    admin_id: int
    centre_id: int

    async def add_staff(
        self,
        name: str = "孙丽",
        mobile: str = "13800000009",
        position: str = "技术经纪人",
        *,
        membership: MembershipPolicy,
    ) -> StaffAdded:
        cmd = AddStaff(self.admin_id, self.centre_id, name, mobile, position)
        return await add_staff(cmd, self.org.uow, membership=membership)


@pytest.fixture
async def inst(org: Org) -> Institution:  # noqa: F811
    institution_id, admin_id = await org.institution()
    centre = await create_centre(
        CreateCentre(admin_id, institution_id, "杭州钱塘分中心", "330114"), org.uow, org.regions
    )
    return Institution(org, institution_id, admin_id, centre.centre_id)


async def outbox(container: Container, channel: str, recipient: str | None = None) -> list[OutboxMessage]:
    async with container.sessionmaker() as session:
        query = select(OutboxMessage).where(OutboxMessage.channel == channel).order_by(OutboxMessage.id)
        if recipient is not None:
            query = query.where(OutboxMessage.recipient == recipient)
        return list(await session.scalars(query))


async def invitations_of(container: Container, account_id: int) -> list[MembershipInvitation]:
    async with container.sessionmaker() as session:
        return list(
            await session.scalars(
                select(MembershipInvitation)
                .where(MembershipInvitation.account_id == account_id)
                .order_by(MembershipInvitation.id)
            )
        )
