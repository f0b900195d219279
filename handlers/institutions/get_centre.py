"""One centre the actor may see, with its admins and its number of staff."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.institutions.list_centres import CentreView, centre_admins
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Centre, Institution, StaffMember
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetCentre:
    actor_id: int
    centre_id: int


@dataclass(frozen=True)
class CentreDetail:
    centre: CentreView
    staff: int


async def get_centre(cmd: GetCentre, uow: UnitOfWork) -> CentreDetail:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.CENTRES)
        row = (
            await uow.session.execute(
                select(Centre, Institution.name)
                .join(Institution, Institution.id == Centre.institution_id)
                .where(Centre.id == cmd.centre_id, visible(actor, Listing.CENTRES))
            )
        ).first()
        if row is None:
            raise not_found(Listing.CENTRES)
        c, inst = row
        admins = await centre_admins(uow, [c.id])
        staff = await uow.session.scalar(
            select(func.count()).where(StaffMember.centre_id == c.id, StaffMember.left_at.is_(None))
        )
        view = CentreView(c.id, c.institution_id, inst, c.name, c.region_code, tuple(admins.get(c.id, ())))
        return CentreDetail(view, staff or 0)
