"""Institutions the actor may see, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation import Institution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListInstitutions:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class InstitutionSummary:
    institution_id: int
    name: str
    credit_code: str
    type: str
    region_code: str


async def list_institutions(cmd: ListInstitutions, uow: UnitOfWork) -> Page[InstitutionSummary]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.INSTITUTIONS)
        where = visible(actor, Listing.INSTITUTIONS)
        total = await uow.session.scalar(select(func.count()).select_from(Institution).where(where))
        rows = await uow.session.scalars(
            select(Institution).where(where).order_by(Institution.id.desc()).offset(req.offset).limit(req.page_size)
        )
        items = tuple(InstitutionSummary(i.id, i.name, i.credit_code, i.type, i.region_code) for i in rows)
    return Page(items, total or 0, req.page, req.page_size)
