"""Organisation fixtures: a tiny Zhejiang region directory, the sandbox registry, a system admin, and a
snapshot of every table a refused command must leave as it was."""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

import store.models  # noqa: F401  (every table in the metadata)
from bot.bootstrap import Container
from bot.coordination import Coordination
from handlers.errors import DomainError
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.reference.regions import Regions
from sandbox.registry import SandboxBusinessRegistry
from store.base import Base
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from store.uow import UnitOfWork
from tests.policies import DEMANDS, MEMBERSHIP

ZHEJIANG = {
    "330000": "浙江省",
    "330100": "杭州市",
    "330106": "西湖区",
    "330114": "钱塘区",
    "330113": "临平区",
    "330200": "宁波市",
    "330203": "海曙区",
}


@pytest.fixture
def regions() -> Regions:
    """The real GB/T 2260 directory (the codes below are among its Zhejiang entries)."""
    return Regions.load()


@pytest.fixture
def registry() -> SandboxBusinessRegistry:
    return SandboxBusinessRegistry()


async def make_system_admin(uow: UnitOfWork, mobile: str = "13900000000") -> int:
    """No use case creates the first system admin yet (an operator command will); tests insert it."""
    async with uow:
        now = uow.clock.now()
        account = Account(name="系统管理员", mobile=mobile, status=AccountStatus.ACTIVE, created_at=now, updated_at=now)
        uow.session.add(account)
        await uow.session.flush()
        uow.session.add(AccountRole(account_id=account.id, role=Role.SYSTEM_ADMIN, scope_key="", created_at=now))
        await uow.commit()
    return account.id


@dataclass
class Org:
    """A small organisation built through the use cases: ids the tests act with."""

    container: Container
    regions: Regions
    registry: SandboxBusinessRegistry
    admin_id: int  # system admin

    @property
    def uow(self) -> UnitOfWork:
        return self.container.uow()

    @property
    def quota(self) -> Coordination:
        """The shared rolling-window counters (the SMS code windows)."""
        return self.container.coordination

    async def institution(
        self,
        name: str = "浙江大学技术转移中心",
        code: str = "12330000470003281H",
        *,
        mobile: str = "13800000001",
        region: str = "330106",
    ) -> tuple[int, int]:
        created = await create_institution(
            CreateInstitution(
                actor_id=self.admin_id,
                name=name,
                credit_code=code,
                type="university",
                region_code=region,
                admin_name="林管理",
                admin_mobile=mobile,
            ),
            self.uow,
            self.regions,
            fee_floor_bp=DEMANDS.fee_floor_bp,
            membership=MEMBERSHIP,
        )
        return created.institution_id, created.admin_account_id


@pytest.fixture
async def org(container: Container, regions: Regions, registry: SandboxBusinessRegistry) -> Org:
    return Org(container, regions, registry, await make_system_admin(container.uow()))


async def snapshot(container: Container) -> dict[str, int]:
    """Row counts of every table: audit entries and personal values included."""
    async with container.sessionmaker() as session:
        return {
            table.name: int(await session.scalar(select(func.count()).select_from(table)) or 0)
            for table in Base.metadata.sorted_tables
        }


async def refused(container: Container, call: Awaitable[Any], error: type[DomainError], code: str) -> DomainError:
    """The call raises the error with this code and leaves every table as it was."""
    before = await snapshot(container)
    with pytest.raises(error) as caught:
        await call
    assert caught.value.code == code, caught.value
    assert await snapshot(container) == before
    return caught.value
