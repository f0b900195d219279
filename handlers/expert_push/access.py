"""Who may push a demand to experts, and who may see its pushes."""

from __future__ import annotations

from handlers.demands.scope import require_demand_in_scope
from handlers.errors import Forbidden
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.models.organisation import Role
from store.uow import UnitOfWork

# The institution side sees a demand's pushes; enterprises, officials and experts never do.
SEES_PUSHES = frozenset({Role.SYSTEM_ADMIN, Role.INSTITUTION_ADMIN, Role.CENTRE_ADMIN, Role.STAFF})


def may_push(actor: Actor, demand: Demand) -> bool:
    """The demand's docking staff member, or the admin of the centre it belongs to."""
    docking = actor.has(Role.STAFF) and actor.account_id == demand.staff_account_id
    centre_admin = demand.centre_id is not None and any(
        g.role == Role.CENTRE_ADMIN and g.centre_id == demand.centre_id for g in actor.grants
    )
    return docking or centre_admin


async def require_pusher(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    """Forbidden for someone who sees the demand but may not push it; anyone else learns nothing (404)."""
    if may_push(actor, demand):
        return
    await require_demand_in_scope(uow, actor, demand.id)
    raise Forbidden("只有需求的对接人员或所属中心管理员可以推送专家")


def require_push_viewer(actor: Actor) -> None:
    if not any(g.role in SEES_PUSHES for g in actor.grants):
        raise Forbidden("您没有权限查看专家推送")
