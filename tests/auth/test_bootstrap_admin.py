"""The operator creates the first system admin from the command line, once."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.bootstrap import Container
from handlers.auth.login_with_password import LoginWithPassword, login_with_password
from store.models.organisation import Account, AccountRole, Role
from tests.outbox_support import cli


async def _admins(container: Container) -> int:
    async with container.sessionmaker() as session:
        query = select(func.count()).select_from(AccountRole).where(AccountRole.role == Role.SYSTEM_ADMIN)
        return int((await session.execute(query)).scalar_one())


async def test_the_first_system_admin_is_created_once_and_must_change_the_password(container: Container) -> None:
    settings = container.settings
    code, out = await cli(
        settings,
        "accounts",
        "bootstrap-admin",
        "--name",
        "王敏",
        "--mobile",
        "13800000001",
        "--password",
        "Start2026",
        clock=container.clock,
    )
    assert code == 0 and "system admin created" in out, out
    session = await login_with_password(
        LoginWithPassword("13800000001", "Start2026"), container.uow(), container.auth_policy
    )
    assert session.must_change_password

    code, out = await cli(
        settings,
        "accounts",
        "bootstrap-admin",
        "--name",
        "李强",
        "--mobile",
        "13800000002",
        "--password",
        "Start2026",
        clock=container.clock,
    )
    assert code != 0 and "system_admin_exists" in out
    assert await _admins(container) == 1


async def test_bad_input_creates_nobody(container: Container) -> None:
    code, out = await cli(
        container.settings,
        "accounts",
        "bootstrap-admin",
        "--name",
        "王敏",
        "--mobile",
        "057188888888",
        "--password",
        "Start2026",
        clock=container.clock,
    )
    assert code != 0 and "请输入正确的手机号码" in out
    code, out = await cli(
        container.settings,
        "accounts",
        "bootstrap-admin",
        "--name",
        "王敏",
        "--mobile",
        "13800000001",
        "--password",
        "short",
        clock=container.clock,
    )
    assert code != 0 and "weak_password" in out
    async with container.sessionmaker() as session:
        assert (await session.execute(select(func.count()).select_from(Account))).scalar_one() == 0
    assert await _admins(container) == 0
