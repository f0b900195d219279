"""The pool (揭榜池): an enterprise's demand waits for an institution with a centre in the enterprise's city."""

from __future__ import annotations

from sqlalchemy import ColumnElement, false, or_, select

from handlers.organisation.actors import Actor
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Centre, Role
from store.models.organisation_people import Enterprise
from store.uow import UnitOfWork

MEMBERS = (Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF)


async def cities_of(uow: UnitOfWork, institution_ids: set[int]) -> set[str]:
    """The 4-digit city prefixes where the institutions have a centre."""
    if not institution_ids:
        return set()
    codes = await uow.session.scalars(select(Centre.region_code).where(Centre.institution_id.in_(institution_ids)))
    return {c[:4] for c in codes}


def in_cities(cities: set[str]) -> ColumnElement[bool]:
    # The enterprise's own registered region decides its city.
    enterprises = [Enterprise.region_code.like(prefix + "%") for prefix in sorted(cities)]
    if not enterprises:
        return false()
    return Demand.enterprise_id.in_(select(Enterprise.id).where(or_(*enterprises)))


async def pool_visible(uow: UnitOfWork, actor: Actor) -> ColumnElement[bool]:
    """Pooled demands the actor's institutions may take up."""
    cities = await cities_of(uow, actor.institutions(*MEMBERS))
    return (Demand.status == DemandStatus.POOLED) & in_cities(cities)
