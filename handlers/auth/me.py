"""Who the signed-in person is: the account, its roles and whether a password change is due."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.auth.authenticate import Authenticated
from handlers.errors import NotFound
from store.models.organisation import Account
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Me:
    account_id: int
    name: str
    mobile: str
    status: str


async def describe_me(auth: Authenticated, uow: UnitOfWork) -> Me:
    async with uow:
        return await account_me(uow, auth.actor.account_id)


async def account_me(tx: Transaction, account_id: int) -> Me:
    account = await tx.session.get(Account, account_id)
    if account is None:
        raise NotFound("未找到该账号")
    return Me(account.id, account.name, account.mobile, str(account.status))
