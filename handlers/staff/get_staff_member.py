"""One staff member the actor may see (the staff page's detail)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from handlers.staff.list_staff import StaffView
from store.models.organisation import Account, AccountRole, Centre, Role, StaffMember
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetStaffMember:
    actor_id: int
    staff_member_id: int


async def get_staff_member(cmd: GetStaffMember, uow: UnitOfWork) -> StaffView:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.STAFF)
        row = (
            await uow.session.execute(
                select(StaffMember, Account.name, Account.mobile, Centre.name)
                .join(Account, Account.id == StaffMember.account_id)
                .join(Centre, Centre.id == StaffMember.centre_id)
                .where(StaffMember.id == cmd.staff_member_id, visible(actor, Listing.STAFF))
            )
        ).first()
        if row is None:
            raise not_found(Listing.STAFF)
        m, name, mobile, centre = row
        admin = await uow.session.scalar(
            select(AccountRole.id).where(
                AccountRole.account_id == m.account_id,
                AccountRole.role == Role.CENTRE_ADMIN,
                AccountRole.centre_id == m.centre_id,
            )
        )
        return StaffView(
            m.id, m.account_id, name, mobile, m.institution_id, m.centre_id, centre, m.position, admin is not None
        )
