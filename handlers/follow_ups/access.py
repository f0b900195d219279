"""Who acts on a docking demand's follow-ups: its docking staff member, or an admin of the docking centre.

Once another institution has accepted the demand's publication, the docking side is the accepting one: the
docking staff member's own centre (not demand.centre_id, the publisher's) and the accepting institution's admin;
the publisher keeps reading only."""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.scope import require_demand_in_scope
from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.models.organisation import Role, StaffMember
from store.models.publications import DemandPublication, PublicationStatus
from store.uow import UnitOfWork


def is_centre_admin(actor: Actor, demand: Demand) -> bool:
    """An admin of the demand's own centre (before any acceptance, the docking centre)."""
    return admin_of_centre(actor, demand.centre_id)


def admin_of_centre(actor: Actor, centre_id: int | None) -> bool:
    return centre_id is not None and any(g.role == Role.CENTRE_ADMIN and g.centre_id == centre_id for g in actor.grants)


def is_docking_staff(actor: Actor, demand: Demand) -> bool:
    return actor.grants != () and demand.staff_account_id == actor.account_id


async def accepting_institution_id(uow: UnitOfWork, demand: Demand) -> int | None:
    """The institution that accepted the demand's publication, if one did."""
    return await uow.session.scalar(
        select(DemandPublication.accepted_institution_id).where(
            DemandPublication.demand_id == demand.id, DemandPublication.status == PublicationStatus.ACCEPTED
        )
    )


async def docking_centre_id(uow: UnitOfWork, demand: Demand) -> int | None:
    """The centre whose admin oversees the docking: the demand's own, or after an acceptance the docking staff
    member's centre."""
    if demand.staff_account_id is None or await accepting_institution_id(uow, demand) is None:
        return demand.centre_id
    return await uow.session.scalar(
        select(StaffMember.centre_id).where(
            StaffMember.account_id == demand.staff_account_id, StaffMember.left_at.is_(None)
        )
    )


async def is_docking_admin(uow: UnitOfWork, actor: Actor, demand: Demand) -> bool:
    """The docking centre's admin, or the admin of the institution that accepted the demand."""
    if admin_of_centre(actor, await docking_centre_id(uow, demand)):
        return True
    accepted = await accepting_institution_id(uow, demand)
    return accepted is not None and accepted in actor.institutions(Role.INSTITUTION_ADMIN)


async def require_follow_up_writer(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    if is_docking_staff(actor, demand) or await is_docking_admin(uow, actor, demand):
        return
    await require_demand_in_scope(uow, actor, demand.id)
    raise Forbidden("只有对接人员或分中心管理员可以记录跟进")
