"""Account lookups shared by the sign-in use cases."""

from __future__ import annotations

from sqlalchemy import select

from handlers.auth.errors import AccountDisabled
from handlers.auth.passwords import hash_password
from store.models.auth import PasswordCredential
from store.models.organisation import Account, AccountStatus
from store.uow import UnitOfWork


async def account_by_mobile(uow: UnitOfWork, mobile: str, *, lock: bool = False) -> Account | None:
    query = select(Account).where(Account.mobile == mobile)
    return await uow.session.scalar(query.with_for_update() if lock else query)


def refuse_disabled(account: Account) -> None:
    if account.status == AccountStatus.DISABLED:
        raise AccountDisabled()


async def credential_of(uow: UnitOfWork, account_id: int, *, lock: bool = False) -> PasswordCredential | None:
    query = select(PasswordCredential).where(PasswordCredential.account_id == account_id)
    return await uow.session.scalar(query.with_for_update() if lock else query)


async def store_password(uow: UnitOfWork, account_id: int, password: str, *, must_change: bool) -> None:
    """Set the password, clearing failures and any lockout."""
    hashed = hash_password(password)
    now = uow.clock.now()
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
