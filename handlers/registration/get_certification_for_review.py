"""One certification as its reviewer sees it (the card's 查看详情): a system admin, or the applicant. Anyone else is
told it does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.organisation.actors import load_actor
from handlers.registration.certification import CertificationView, latest_review, view_of
from store.models.organisation import Role
from store.models.registration import UnitCertification
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetCertificationForReview:
    actor_id: int
    certification_id: int


async def get_certification_for_review(cmd: GetCertificationForReview, uow: UnitOfWork) -> CertificationView:
    async with uow:
        cert = await uow.session.scalar(select(UnitCertification).where(UnitCertification.id == cmd.certification_id))
        actor = await load_actor(uow, cmd.actor_id)
        if cert is None or not (actor.has(Role.SYSTEM_ADMIN) or cert.account_id == cmd.actor_id):
            raise NotFound("未找到该单位认证", code="certification_not_found")
        return view_of(cert, await latest_review(uow, cert.id))
