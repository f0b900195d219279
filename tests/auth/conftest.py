"""Sign-in fixtures: accounts inserted directly (their creation is the organisation flows' business),
the default policy, and the SMS codes read back from the outbox as the phone would receive them."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import Container, auth_policy
from bot.settings import Settings
from handlers.auth.accounts import PasswordEvent, store_password
from handlers.auth.policy import AuthPolicy
from store.models.organisation import Account, AccountRole, AccountStatus, Role
from store.models.outbox import OutboxMessage
from store.uow import UnitOfWork

PASSWORD = "kezhuan2026"


@pytest.fixture
def policy() -> AuthPolicy:
    return auth_policy(Settings())


async def make_account(
    uow: UnitOfWork,
    mobile: str = "13800000004",
    *,
    name: str = "张三",
    password: str | None = PASSWORD,
    status: AccountStatus = AccountStatus.ACTIVE,
    role: Role | None = Role.STAFF,
    must_change: bool = False,
) -> int:
    async with uow:
        now = uow.clock.now()
        account = Account(name=name, mobile=mobile, status=status, created_at=now, updated_at=now)
        uow.session.add(account)
        await uow.session.flush()
        if role is not None:
            uow.session.add(AccountRole(account_id=account.id, role=role, scope_key="", created_at=now))
        if password is not None:
            await store_password(
                uow, account.id, password, must_change=must_change, event=PasswordEvent.SET_BY_ADMIN, actor="test"
            )
        await uow.commit()
    return account.id


async def sms_sent(container: Container, mobile: str) -> list[str]:
    """The codes sent to a number, oldest first."""
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "sms", OutboxMessage.recipient == mobile)
            .order_by(OutboxMessage.id)
        )
        return [str(row.payload["params"]["code"]) for row in rows]
