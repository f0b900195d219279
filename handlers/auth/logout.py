"""Sign out: the session's token stops working at once."""

from __future__ import annotations

from sqlalchemy import update

from handlers.auth.sessions import token_digest
from store.models.auth import AuthSession
from store.uow import UnitOfWork


async def logout(token: str, uow: UnitOfWork) -> None:
    async with uow:
        await uow.session.execute(
            update(AuthSession)
            .where(AuthSession.token_hash == token_digest(token), AuthSession.revoked_at.is_(None))
            .values(revoked_at=uow.clock.now())
        )
        await uow.commit()
