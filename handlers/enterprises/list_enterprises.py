"""Enterprises the actor may see, newest first."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.enterprises.enterprise_registry import VERIFICATION_LABELS
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation_people import Enterprise, EnterpriseVerification
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListEnterprises:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class EnterpriseView:
    enterprise_id: int
    name: str
    credit_code: str
    region_code: str
    legal_representative: str
    verification: EnterpriseVerification
    verification_label: str  # 未核验 / 已核验


async def list_enterprises(cmd: ListEnterprises, uow: UnitOfWork) -> Page[EnterpriseView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.ENTERPRISES)
        where = visible(actor, Listing.ENTERPRISES)
        total = await uow.session.scalar(select(func.count()).select_from(Enterprise).where(where))
        rows = await uow.session.scalars(
            select(Enterprise).where(where).order_by(Enterprise.id.desc()).offset(req.offset).limit(req.page_size)
        )
        items = tuple(
            EnterpriseView(
                e.id,
                e.name,
                e.credit_code,
                e.region_code,
                e.legal_representative,
                EnterpriseVerification(e.verification),
                VERIFICATION_LABELS[EnterpriseVerification(e.verification)],
            )
            for e in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
