"""Account lookups shared by the sign-in use cases."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import select

from handlers.auth.errors import AccountDisabled
from handlers.auth.passwords import hash_password
from store.models.auth import PasswordCredential
from store.models.organisation import CLOSED_STATUSES, Account
from store.transaction import Transaction
from store.uow import UnitOfWork


async def account_by_mobile(uow: Transaction, mobile: str, *, lock: bool = False) -> Account | None:
    query = select(Account).where(Account.mobile == mobile)
    return await uow.session.scalar(query.with_for_update() if lock else query)


def refuse_disabled(account: Account) -> None:
    if account.status in CLOSED_STATUSES:
        raise AccountDisabled()


async def credential_of(uow: UnitOfWork, account_id: int, *, lock: bool = False) -> PasswordCredential | None:
    query = select(PasswordCredential).where(PasswordCredential.account_id == account_id)
    return await uow.session.scalar(query.with_for_update() if lock else query)


class PasswordEvent(StrEnum):
    """Why a password changed: each is an entry in the account's audit chain (never the hash itself)."""

    CHANGED = "password_changed"  # by the person, knowing the old one
    RESET = "password_reset"  # by the person, with an SMS code
    SET_BY_ADMIN = "password_set_by_admin"  # a starting password the person must change
    BOOTSTRAPPED = "password_bootstrapped"  # the operator's first system admin


async def store_password(
    uow: UnitOfWork, account_id: int, password: str, *, must_change: bool, event: PasswordEvent, actor: str
) -> None:
    """Set the password, clearing failures and any lockout, and audit who did it and why."""
    hashed = hash_password(password)
    now = uow.clock.now()
    # The account row lock orders this entry in the account's chain against any other writer.
    await uow.session.scalar(select(Account.id).where(Account.id == account_id).with_for_update())
    credential = await credential_of(uow, account_id, lock=True)
    if credential is None:
        credential = PasswordCredential(account_id=account_id)
        uow.session.add(credential)
    credential.password_hash = hashed.password_hash
    credential.salt = hashed.salt
    credential.kdf = hashed.kdf
    credential.must_change = must_change
    credential.failed_attempts = 0
    credential.locked_until = None
    credential.updated_at = now
    await uow.session.flush()
    uow.record("account", account_id, event.value, actor=actor, data={"must_change": must_change})
