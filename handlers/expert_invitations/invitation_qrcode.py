"""The QR code behind an SMS link: only while the invitation is open and the code has not lapsed."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.expert_invitations.invite import OPEN, SCENE_PREFIX
from store.models.expert_invitations import ExpertInvitation
from store.uow import UnitOfWork


async def invitation_qrcode_ticket(token: str, uow: UnitOfWork) -> str:
    async with uow:
        row = (
            await uow.session.execute(
                select(ExpertInvitation.qr_ticket, ExpertInvitation.status, ExpertInvitation.expires_at).where(
                    ExpertInvitation.scene == SCENE_PREFIX + token.strip()[:60]
                )
            )
        ).one_or_none()
        if row is None or row.qr_ticket is None:
            raise NotFound("邀请链接无效，请联系法人机构管理员", code="invitation_not_found")
        if row.status not in OPEN or row.expires_at <= uow.clock.now():
            raise NotFound("邀请已完成或已过期，如需重新邀请请联系法人机构管理员", code="invitation_closed")
        return str(row.qr_ticket)
