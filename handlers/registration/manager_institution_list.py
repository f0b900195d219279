"""An institution's technology managers (seed 000 一.7): 经理人审核 — every bound manager but the resubmissions
after 驳回更新 — and 经理人驳回更新, those resubmissions (and records returned, waiting for the manager)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from handlers.registration.manager_access import require_institution_side
from handlers.registration.manager_record import ManagerView, view_of
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.uow import UnitOfWork


class ManagerList(StrEnum):
    REVIEW = "review"  # 经理人审核
    UPDATES = "updates"  # 经理人驳回更新


@dataclass(frozen=True)
class ListInstitutionManagers:
    actor_id: int
    institution_id: int
    which: ManagerList


async def list_institution_managers(cmd: ListInstitutionManagers, uow: UnitOfWork) -> list[ManagerView]:
    async with uow:
        await require_institution_side(uow, cmd.actor_id, cmd.institution_id)
        records = await uow.session.scalars(
            select(TechnologyManagerRegistration)
            .where(
                TechnologyManagerRegistration.institution_id == cmd.institution_id,
                TechnologyManagerRegistration.status.not_in([ManagerStatus.DRAFT, ManagerStatus.DELETED]),
                TechnologyManagerRegistration.reopened.is_(cmd.which == ManagerList.UPDATES),
            )
            .order_by(TechnologyManagerRegistration.id)
        )
        return [await view_of(uow, r) for r in records]
