"""Who reviews a stage: accounts holding the stage's role within its reach of the subject."""

from __future__ import annotations

from sqlalchemy import select

from handlers.reviews.chains import Reach, Stage
from store.models.auth import DingTalkBinding
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole
from store.transaction import Transaction

_PREFIX = {Reach.PROVINCE: 2, Reach.CITY: 4, Reach.DISTRICT: 6}


async def reviewers(uow: Transaction, stage: Stage, *, institution_id: int | None, region_code: str) -> list[int]:
    """Account ids, in a stable order; officials match the region code of exactly the reach's level."""
    query = (
        select(AccountRole.account_id)
        .join(Account, Account.id == AccountRole.account_id)
        .where(AccountRole.role == stage.role, Account.status.not_in(list(CLOSED_STATUSES)))
    )
    if stage.reach == Reach.INSTITUTION:
        if institution_id is None:
            return []
        query = query.where(AccountRole.institution_id == institution_id)
    elif stage.reach == Reach.PLATFORM:
        query = query.where(AccountRole.scope_key == "")
    else:
        digits = _PREFIX[stage.reach]
        query = query.where(AccountRole.region_code == region_code[:digits].ljust(6, "0"))
    return sorted(set(await uow.session.scalars(query)))


async def userid_of(uow: Transaction, account_id: int) -> str | None:
    return await uow.session.scalar(select(DingTalkBinding.userid).where(DingTalkBinding.account_id == account_id))


async def account_of_userid(uow: Transaction, userid: str) -> int | None:
    return await uow.session.scalar(select(DingTalkBinding.account_id).where(DingTalkBinding.userid == userid))


async def name_of(uow: Transaction, account_id: int) -> str:
    return await uow.session.scalar(select(Account.name).where(Account.id == account_id)) or f"账号{account_id}"
