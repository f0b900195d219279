"""An institution's admin lists its invitation codes with their uses and status, newest first."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handlers.invitations import codes
from handlers.invitations.codes import CodeStatus
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.pages import Page, PageRequest
from store.models.invitations import InvitationCode, InvitationPurpose
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListInvitationCodes:
    actor_id: int
    institution_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class InvitationCodeView:
    invitation_code_id: int
    code: str
    purpose: InvitationPurpose
    created_by: int
    created_at: datetime
    expires_at: datetime
    max_uses: int
    uses: int
    status: CodeStatus
    revoked_at: datetime | None
    revoke_reason: str | None


async def list_invitation_codes(cmd: ListInvitationCodes, uow: UnitOfWork) -> Page[InvitationCodeView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        now = uow.clock.now()
        where = InvitationCode.institution_id == cmd.institution_id
        total = await uow.session.scalar(select(func.count()).select_from(InvitationCode).where(where))
        rows = await uow.session.scalars(
            select(InvitationCode)
            .where(where)
            .order_by(InvitationCode.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(
            InvitationCodeView(
                c.id,
                c.code,
                InvitationPurpose(c.purpose),
                c.created_by,
                c.created_at,
                c.expires_at,
                c.max_uses,
                c.uses,
                codes.status_of(c, now),
                c.revoked_at,
                c.revoke_reason,
            )
            for c in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
