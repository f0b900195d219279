"""The pool (揭榜池): an enterprise's demand waits for an institution with a centre in the enterprise's city."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, or_, select

from handlers.organisation.actors import Actor
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Centre, Institution, Role
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


@dataclass(frozen=True)
class TakeUpRefusal:
    code: str
    message: str


def take_up_refusal(ratio_bp: int, institution_minimum_bp: int, floor_bp: int) -> TakeUpRefusal | None:
    """Why an institution may not take up a pooled demand for its fee ratio, or None when it may.

    The one rule both the pool list (its can_take_up) and the take-up itself apply: the demand's ratio meets
    the platform floor and the institution's own minimum (seed 004 §一.1)."""
    if ratio_bp < floor_bp:
        return TakeUpRefusal(
            "fee_ratio_below_floor", f"该需求的中介服务费比例{ratio_bp / 100:g}%低于平台下限{floor_bp / 100:g}%"
        )
    if ratio_bp < institution_minimum_bp:
        return TakeUpRefusal(
            "fee_ratio_below_institution",
            f"该需求的中介服务费比例{ratio_bp / 100:g}%低于本机构的最低比例{institution_minimum_bp / 100:g}%，不能揭榜",
        )
    return None


async def minimums_of(uow: UnitOfWork, institution_ids: set[int]) -> dict[int, int]:
    """Each institution's own minimum fee ratio."""
    if not institution_ids:
        return {}
    rows = await uow.session.execute(
        select(Institution.id, Institution.min_fee_ratio_bp).where(Institution.id.in_(institution_ids))
    )
    return {row.id: row.min_fee_ratio_bp for row in rows}
