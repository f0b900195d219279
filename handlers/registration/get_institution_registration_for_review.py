"""One institution registration as its reviewer sees it (the card's 查看详情): the applicant, the system admins
and the officials whose region contains the institution's. Anyone else is told it does not exist."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.organisation.actors import load_actor
from handlers.registration.institution_registration import RegistrationView, full_view, reads
from store.models.registration import InstitutionRegistration
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetInstitutionRegistrationForReview:
    actor_id: int
    registration_id: int


async def get_institution_registration_for_review(
    cmd: GetInstitutionRegistrationForReview, uow: UnitOfWork
) -> RegistrationView:
    async with uow:
        reg = await uow.session.scalar(
            select(InstitutionRegistration).where(InstitutionRegistration.id == cmd.registration_id)
        )
        if reg is None or not reads(await load_actor(uow, cmd.actor_id), reg):
            raise NotFound("未找到该机构登记", code="registration_not_found")
        return await full_view(uow, reg)
