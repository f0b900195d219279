"""An institution's admin issues an invitation code for technology managers to bind themselves (seed 000 §一.4)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select

from handlers.errors import InvalidInput, NotFound
from handlers.invitations import codes
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.transactions import transact
from store.models.invitations import InvitationCode, InvitationPurpose
from store.models.organisation import Institution
from store.transaction import Transaction
from store.uow import UnitOfWork

MAX_USES_LIMIT = 1000
VALIDITY_LIMIT = timedelta(days=366)  # a code outliving a year would outlive the annual update (seed 000 §一.5)


@dataclass(frozen=True)
class CreateInvitationCode:
    actor_id: int
    institution_id: int
    expires_at: datetime
    max_uses: int
    purpose: InvitationPurpose = InvitationPurpose.TECHNOLOGY_MANAGER


@dataclass(frozen=True)
class InvitationCodeCreated:
    invitation_code_id: int
    code: str
    expires_at: datetime
    max_uses: int


def _max_uses(value: int) -> int:
    if isinstance(value, bool) or not 1 <= value <= MAX_USES_LIMIT:
        raise InvalidInput(f"可使用次数应在1到{MAX_USES_LIMIT}之间", code="invalid_max_uses")
    return value


def _purpose(value: str) -> InvitationPurpose:
    try:
        return InvitationPurpose(value)
    except ValueError:
        raise InvalidInput("请选择邀请码的用途", code="invalid_purpose") from None


def _expires_at(value: datetime, now: datetime) -> datetime:
    if value.tzinfo is None:
        raise InvalidInput("请填写正确的有效期", code="invalid_expiry")
    if value <= now:
        raise InvalidInput("有效期须晚于当前时间", code="invalid_expiry")
    if value - now > VALIDITY_LIMIT:
        raise InvalidInput("邀请码有效期不能超过一年", code="invalid_expiry")
    return value


async def create_invitation_code(
    cmd: CreateInvitationCode, uow: UnitOfWork, generate: Callable[[], str] = codes.generate
) -> InvitationCodeCreated:
    max_uses = _max_uses(cmd.max_uses)
    purpose = _purpose(cmd.purpose)

    async def run(tx: Transaction) -> InvitationCodeCreated:
        now = tx.clock.now()
        expires_at = _expires_at(cmd.expires_at, now)
        actor = await load_actor(tx, cmd.actor_id)
        # Authority first: whether an institution exists is no answer for someone who is not its admin.
        require_institution_admin(actor, cmd.institution_id)
        institution = await tx.session.scalar(select(Institution.id).where(Institution.id == cmd.institution_id))
        if institution is None:
            raise NotFound("未找到该法人机构")
        # A fresh code on every attempt: a clash with an existing code is retried with another one.
        row = InvitationCode(
            code=generate(),
            institution_id=institution,
            purpose=purpose,
            created_by=actor.account_id,
            created_at=now,
            expires_at=expires_at,
            max_uses=max_uses,
            uses=0,
        )
        tx.session.add(row)
        await tx.session.flush()
        tx.record(
            "invitation_code",
            row.id,
            "created",
            actor=actor.label,
            data={
                "institution_id": institution,
                "code": row.code,
                "purpose": purpose,
                "expires_at": expires_at.isoformat(),
                "max_uses": max_uses,
            },
        )
        return InvitationCodeCreated(row.id, row.code, row.expires_at, row.max_uses)

    return await transact(uow, run, clash="邀请码生成失败，请重试")
