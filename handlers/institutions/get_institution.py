"""One institution's page (seed 004 §四): its details, its admin and how many centres and staff it has."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Account, Centre, Institution, StaffMember
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetInstitution:
    actor_id: int
    institution_id: int


@dataclass(frozen=True)
class InstitutionDetail:
    institution_id: int
    name: str
    credit_code: str
    type: str
    service_types: tuple[str, ...]
    min_fee_ratio_bp: int
    introduction: str
    head: str | None
    region_code: str
    admin_account_id: int
    admin_name: str
    admin_mobile: str
    centres: int
    staff: int


async def get_institution(cmd: GetInstitution, uow: UnitOfWork) -> InstitutionDetail:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.INSTITUTIONS)
        row = (
            await uow.session.execute(
                select(Institution, Account.name, Account.mobile)
                .join(Account, Account.id == Institution.admin_account_id)
                .where(Institution.id == cmd.institution_id, visible(actor, Listing.INSTITUTIONS))
            )
        ).first()
        if row is None:
            raise not_found(Listing.INSTITUTIONS)
        i, admin_name, admin_mobile = row
        centres = await uow.session.scalar(select(func.count()).where(Centre.institution_id == i.id))
        staff = await uow.session.scalar(
            select(func.count()).where(StaffMember.institution_id == i.id, StaffMember.left_at.is_(None))
        )
        return InstitutionDetail(
            i.id,
            i.name,
            i.credit_code,
            i.type,
            tuple(i.service_types),
            i.min_fee_ratio_bp,
            i.introduction,
            i.head,
            i.region_code,
            i.admin_account_id,
            admin_name,
            admin_mobile,
            centres or 0,
            staff or 0,
        )
