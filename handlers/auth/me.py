"""Who the signed-in person is: the account, its roles and whether a password change is due."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.authenticate import Authenticated
from handlers.errors import NotFound
from store.models.organisation import Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Me:
    account_id: int
    name: str
    mobile: str
    status: str


async def describe_me(auth: Authenticated, uow: UnitOfWork) -> Me:
    async with uow:
        account = await uow.session.get(Account, auth.actor.account_id)
        if account is None:
            raise NotFound("未找到该账号")
        return me_of(account)


def me_of(account: Account) -> Me:
    return Me(account.id, account.name, account.mobile, str(account.status))
