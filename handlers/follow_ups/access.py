"""Who acts on a docking demand's follow-ups: its docking staff member, or an admin of its centre."""

from __future__ import annotations

from handlers.demands.scope import require_visible_demand
from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.models.organisation import Role
from store.uow import UnitOfWork


def is_centre_admin(actor: Actor, demand: Demand) -> bool:
    return demand.centre_id is not None and any(
        g.role == Role.CENTRE_ADMIN and g.centre_id == demand.centre_id for g in actor.grants)


def is_docking_staff(actor: Actor, demand: Demand) -> bool:
    return actor.grants != () and demand.staff_account_id == actor.account_id


async def require_follow_up_writer(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    if is_docking_staff(actor, demand) or is_centre_admin(actor, demand):
        return
    await require_visible_demand(uow, actor, demand.id)
    raise Forbidden("只有对接人员或分中心管理员可以记录跟进")
