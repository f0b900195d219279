"""A bearer token → the acting account with its roles; expired, revoked and pending sessions are refused."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select

from handlers.auth.errors import Unauthenticated
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import token_digest
from handlers.organisation.actors import Actor, load_actor
from store.models.auth import AuthSession, PasswordCredential, SessionKind
from store.models.organisation import CLOSED_STATUSES, Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Authenticated:
    actor: Actor
    session_id: int
    kind: SessionKind
    must_change_password: bool


async def authenticate(token: str, uow: UnitOfWork, policy: AuthPolicy) -> Authenticated:
    if not token:
        raise Unauthenticated()
    async with uow:
        now = uow.clock.now()
        session = await uow.session.scalar(select(AuthSession).where(AuthSession.token_hash == token_digest(token)))
        if session is None or session.revoked_at is not None or session.expires_at <= now:
            raise Unauthenticated("登录已失效，请重新登录" if session is not None else None)
        if session.account_id is None:
            raise Unauthenticated("请先绑定账号", code="binding_required")
        status = await uow.session.scalar(select(Account.status).where(Account.id == session.account_id))
        if status is None or status in CLOSED_STATUSES:
            raise Unauthenticated("账号已停用，请联系管理员")
        actor = await load_actor(uow, session.account_id)
        must_change = bool(
            await uow.session.scalar(
                select(PasswordCredential.must_change).where(PasswordCredential.account_id == session.account_id)
            )
        )
        # Sliding expiry, written at most once per interval so a busy page does not write on every call.
        if now - session.last_seen_at >= timedelta(seconds=policy.touch_interval_seconds):
            session.last_seen_at = now
            session.expires_at = now + policy.session_ttl(SessionKind(session.kind))
            await uow.commit()
        return Authenticated(actor, session.id, SessionKind(session.kind), must_change)
