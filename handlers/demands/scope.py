"""Which demands an actor sees: the system admin all; an institution's admin its institution's; a centre admin
and a staff member their centre's; an official those of their region (prefix rule); an enterprise contact
their enterprise's. Demands waiting in the pool are listed separately (list_demand_pool).

Publication (需求公开) adds: an institution admin sees the open publications offered to it and the demands it
accepted; a centre admin and a staff member see an accepted demand docked by their centre's staff. The
publisher's side keeps seeing its demand through the rules above."""

from __future__ import annotations

from sqlalchemy import ColumnElement, Select, select, true

from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import Actor
from handlers.organisation.scope import any_of, in_region
from handlers.publications.access import offered_to
from store.models.demands import Demand, DemandStatus
from store.models.organisation import AccountRole, Role, StaffMember
from store.models.publications import DemandPublication, PublicationStatus
from store.transaction import Transaction
from store.uow import UnitOfWork

SEES = frozenset({Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF, Role.OFFICIAL, Role.ENTERPRISE_CONTACT})


def can_see_demands(actor: Actor) -> bool:
    return actor.has(Role.SYSTEM_ADMIN) or any(g.role in SEES for g in actor.grants)


def require_demands(actor: Actor) -> None:
    if not can_see_demands(actor):
        raise Forbidden("您没有权限查看需求信息")


async def enterprises_of(uow: Transaction, actor: Actor) -> list[int]:
    """The enterprises an enterprise contact speaks for (role scope key enterprise:<id>)."""
    keys = await uow.session.scalars(
        select(AccountRole.scope_key).where(
            AccountRole.account_id == actor.account_id, AccountRole.role == Role.ENTERPRISE_CONTACT
        )
    )
    return [int(k.split(":", 1)[1]) for k in keys if k.startswith("enterprise:")]


async def visible_demands(uow: Transaction, actor: Actor) -> ColumnElement[bool]:
    if actor.has(Role.SYSTEM_ADMIN):
        return true()
    clauses: list[ColumnElement[bool]] = []
    for g in actor.grants:
        if g.role == Role.INSTITUTION_ADMIN and g.institution_id is not None:
            clauses.append(Demand.institution_id == g.institution_id)
            # An open offer only while the demand is still 已公开 (a closed demand leaves the offer behind).
            clauses.append(
                (Demand.status == DemandStatus.PUBLISHED)
                & Demand.id.in_(
                    _publications(offered_to(g.institution_id) & (DemandPublication.status == PublicationStatus.OPEN))
                )
            )
            clauses.append(Demand.id.in_(_publications(DemandPublication.accepted_institution_id == g.institution_id)))
        elif g.role in (Role.CENTRE_ADMIN, Role.STAFF) and g.centre_id is not None:
            clauses.append(Demand.centre_id == g.centre_id)
            clauses.append(
                Demand.id.in_(_publications(DemandPublication.status == PublicationStatus.ACCEPTED))
                & Demand.staff_account_id.in_(
                    select(StaffMember.account_id).where(
                        StaffMember.centre_id == g.centre_id, StaffMember.left_at.is_(None)
                    )
                )
            )
        elif g.role == Role.OFFICIAL and g.region_code is not None:
            clauses.append(in_region(Demand.region_code, g.region_code))
    if actor.has(Role.ENTERPRISE_CONTACT) and (enterprises := await enterprises_of(uow, actor)):
        clauses.append(Demand.enterprise_id.in_(enterprises))
    return any_of(clauses)


def _publications(condition: ColumnElement[bool]) -> Select[int]:
    return select(DemandPublication.demand_id).where(condition)


async def sees_demand(uow: Transaction, actor: Actor, demand_id: int) -> bool:
    """Whether the demand is in the actor's scope (a role that never sees demands sees none)."""
    found = await uow.session.scalar(select(Demand.id).where(Demand.id == demand_id, await visible_demands(uow, actor)))
    return found is not None


async def require_visible_demand(uow: UnitOfWork, actor: Actor, demand_id: int) -> None:
    """For a read: 403 for a role that never sees demands, 404 for one outside the actor's scope (or absent)."""
    require_demands(actor)
    if not await sees_demand(uow, actor, demand_id):
        raise NotFound("未找到该需求")


async def require_demand_in_scope(uow: UnitOfWork, actor: Actor, demand_id: int) -> None:
    """For a write naming a demand the actor may not change: 404, exactly as for an absent id, unless the actor
    sees it — also for a role that never sees demands, so a write's answer never tells a demand exists. The
    caller then refuses the one who sees it (403)."""
    if not await sees_demand(uow, actor, demand_id):
        raise NotFound("未找到该需求")
