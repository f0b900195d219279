"""Issuing bearer sessions: a random token goes to the client once; only its SHA-256 is stored."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import update

from handlers.auth.policy import AuthPolicy
from store.models.auth import AuthSession, SessionKind
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class IssuedSession:
    token: str
    account_id: int | None
    kind: SessionKind
    must_change_password: bool = False


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_session(
    uow: UnitOfWork,
    policy: AuthPolicy,
    account_id: int | None,
    kind: SessionKind,
    *,
    openid: str | None = None,
    unionid: str | None = None,
    must_change_password: bool = False,
) -> IssuedSession:
    token = secrets.token_urlsafe(32)
    now = uow.clock.now()
    uow.session.add(
        AuthSession(
            token_hash=token_digest(token),
            account_id=account_id,
            kind=kind,
            openid=openid,
            unionid=unionid,
            created_at=now,
            last_seen_at=now,
            expires_at=now + policy.session_ttl(kind),
            revoked_at=None,
        )
    )
    await uow.session.flush()
    return IssuedSession(token, account_id, kind, must_change_password)


async def revoke_sessions(uow: Transaction, account_id: int, *, keep_session_id: int | None = None) -> None:
    """After a password change or reset, other devices sign in again."""
    query = (
        update(AuthSession)
        .where(AuthSession.account_id == account_id, AuthSession.revoked_at.is_(None))
        .values(revoked_at=uow.clock.now())
    )
    if keep_session_id is not None:
        query = query.where(AuthSession.id != keep_session_id)
    await uow.session.execute(query)
