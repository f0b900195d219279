"""Loading a demand for a change, under its row lock, with the actor's right to make it."""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.scope import require_demand_in_scope
from handlers.errors import Forbidden, NotFound
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.models.organisation import Role, StaffMember
from store.transaction import Transaction
from store.uow import UnitOfWork


async def locked(uow: Transaction, demand_id: int) -> Demand:
    demand = await uow.session.scalar(select(Demand).where(Demand.id == demand_id).with_for_update())
    if demand is None:
        raise NotFound("未找到该需求")
    return demand


def is_owner(actor: Actor, demand: Demand) -> bool:
    """The staff member the demand belongs to, or for an enterprise's demand its contact who created it."""
    return actor.grants != () and actor.account_id in (demand.staff_account_id, demand.created_by)


def manages(actor: Actor, demand: Demand) -> bool:
    return demand.institution_id is not None and demand.institution_id in actor.institutions(Role.INSTITUTION_ADMIN)


async def require_owner(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    """Someone who sees the demand but does not own it is forbidden; anyone else learns nothing (404)."""
    if is_owner(actor, demand):
        return
    await require_demand_in_scope(uow, actor, demand.id)
    raise Forbidden("只有需求的提交人可以进行此操作")


async def staff_post(uow: UnitOfWork, account_id: int) -> StaffMember | None:
    return await uow.session.scalar(
        select(StaffMember).where(StaffMember.account_id == account_id, StaffMember.left_at.is_(None))
    )
