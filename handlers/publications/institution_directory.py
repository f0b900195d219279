"""The other institutions an institution admin may offer a demand to (指定机构公开): each one's id, name and
region by name — nothing more of another institution is theirs to see. Only institution admins publish, so only
they read it; their own institutions are left out (a demand is never offered to its own institution)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.organisation.actors import load_actor
from handlers.publications.access import admin_institutions
from handlers.reference.regions import Regions
from store.models.organisation import Institution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DirectoryEntry:
    institution_id: int
    name: str
    region_name: str


@dataclass(frozen=True)
class InstitutionDirectory:
    items: tuple[DirectoryEntry, ...]


async def institution_directory(actor_id: int, uow: UnitOfWork) -> InstitutionDirectory:
    async with uow:
        own = admin_institutions(await load_actor(uow, actor_id))  # 403 for anyone else
        rows = await uow.session.execute(
            select(Institution.id, Institution.name, Institution.region_code)
            .where(Institution.id.not_in(own))
            .order_by(Institution.name, Institution.id)
        )
        regions = Regions.load()
        return InstitutionDirectory(tuple(DirectoryEntry(i, name, regions.full_name(code)) for i, name, code in rows))
