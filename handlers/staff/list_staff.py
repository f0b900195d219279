"""Staff members the actor may see, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation import Account, AccountRole, Centre, Role, StaffMember
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListStaff:
    actor_id: int
    page: PageRequest = PageRequest()
    centre_id: int | None = None  # a centre's page: narrows the scope, never widens it


@dataclass(frozen=True)
class StaffView:
    staff_member_id: int
    account_id: int
    name: str
    mobile: str
    institution_id: int
    centre_id: int
    centre_name: str
    position: str
    centre_admin: bool


async def list_staff(cmd: ListStaff, uow: UnitOfWork) -> Page[StaffView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.STAFF)
        # Current staff only: a leaver's membership stays for the record, not for the list.
        where = and_(visible(actor, Listing.STAFF), StaffMember.left_at.is_(None))
        if cmd.centre_id is not None:
            where = and_(where, StaffMember.centre_id == cmd.centre_id)
        total = await uow.session.scalar(select(func.count()).select_from(StaffMember).where(where))
        is_admin = (
            select(AccountRole.id)
            .where(
                AccountRole.account_id == StaffMember.account_id,
                AccountRole.role == Role.CENTRE_ADMIN,
                AccountRole.centre_id == StaffMember.centre_id,
            )
            .exists()
        )
        rows = await uow.session.execute(
            select(StaffMember, Account.name, Account.mobile, Centre.name, is_admin)
            .join(Account, Account.id == StaffMember.account_id)
            .join(Centre, Centre.id == StaffMember.centre_id)
            .where(where)
            .order_by(StaffMember.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(
            StaffView(m.id, m.account_id, name, mobile, m.institution_id, m.centre_id, centre, m.position, bool(admin))
            for m, name, mobile, centre, admin in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
