"""Officials the actor may see (the system admin: all; an official: those of their region), newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation import Account, Official
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListOfficials:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class OfficialView:
    official_id: int
    account_id: int
    name: str
    mobile: str
    region_code: str
    level: str


async def list_officials(cmd: ListOfficials, uow: UnitOfWork) -> Page[OfficialView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.OFFICIALS)
        where = visible(actor, Listing.OFFICIALS)
        total = await uow.session.scalar(select(func.count()).select_from(Official).where(where))
        rows = await uow.session.execute(
            select(Official, Account.name, Account.mobile)
            .join(Account, Account.id == Official.account_id)
            .where(where)
            .order_by(Official.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(
            OfficialView(o.id, o.account_id, name, mobile, o.region_code, o.level) for o, name, mobile in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
