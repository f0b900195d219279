"""Centres the actor may see, newest first, each with its institution's name and its admins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import and_, func, select

from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation import Account, AccountRole, Centre, Institution, Role
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListCentres:
    actor_id: int
    page: PageRequest = PageRequest()
    institution_id: int | None = None  # narrows the scope, never widens it


@dataclass(frozen=True)
class CentreView:
    centre_id: int
    institution_id: int
    institution_name: str
    name: str
    region_code: str
    admins: tuple[str, ...]  # the centre admins' names


async def centre_admins(uow: UnitOfWork, centre_ids: list[int]) -> dict[int, list[str]]:
    names: dict[int, list[str]] = defaultdict(list)
    rows = await uow.session.execute(
        select(AccountRole.centre_id, Account.name)
        .join(Account, Account.id == AccountRole.account_id)
        .where(AccountRole.role == Role.CENTRE_ADMIN, AccountRole.centre_id.in_(centre_ids))
        .order_by(AccountRole.id)
    )
    for centre_id, name in rows:
        if centre_id is not None:
            names[centre_id].append(name)
    return names


async def list_centres(cmd: ListCentres, uow: UnitOfWork) -> Page[CentreView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.CENTRES)
        where = visible(actor, Listing.CENTRES)
        if cmd.institution_id is not None:
            where = and_(where, Centre.institution_id == cmd.institution_id)
        total = await uow.session.scalar(select(func.count()).select_from(Centre).where(where))
        rows = (
            await uow.session.execute(
                select(Centre, Institution.name)
                .join(Institution, Institution.id == Centre.institution_id)
                .where(where)
                .order_by(Centre.id.desc())
                .offset(req.offset)
                .limit(req.page_size)
            )
        ).all()
        admins = await centre_admins(uow, [c.id for c, _ in rows])
        items = tuple(
            CentreView(c.id, c.institution_id, inst, c.name, c.region_code, tuple(admins.get(c.id, ())))
            for c, inst in rows
        )
    return Page(items, total or 0, req.page, req.page_size)
