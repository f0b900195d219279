"""Who may use the expert's pages: a signed-in account holding the expert role, with its expert profile.

Every other role is forbidden (403): these pages are the expert's own. A demand the expert does not see
answers 404 like a missing one."""

from __future__ import annotations

from sqlalchemy import ColumnElement, select

from handlers.errors import Forbidden
from handlers.expert_channel.visibility import visible_to_expert
from handlers.organisation.actors import load_actor
from store.models.demands import Demand
from store.models.expert_pages import ExpertDocking
from store.models.organisation import Role
from store.models.organisation_people import Expert
from store.uow import UnitOfWork


async def require_expert(uow: UnitOfWork, account_id: int) -> Expert:
    actor = await load_actor(uow, account_id)
    expert = None
    if actor.has(Role.EXPERT):
        expert = await uow.session.scalar(select(Expert).where(Expert.account_id == account_id))
    if expert is None:
        raise Forbidden("只有专家可以使用此页面")
    return expert


def seen_by_expert(expert_id: int) -> ColumnElement[bool]:
    """What the expert may open: the demands visible to them, and those they docked (even once closed, so
    「我的对接」 never leads to a missing page)."""
    return visible_to_expert(expert_id) | Demand.id.in_(
        select(ExpertDocking.demand_id).where(ExpertDocking.expert_id == expert_id)
    )


async def is_visible(uow: UnitOfWork, expert_id: int, demand_id: int) -> bool:
    found = await uow.session.scalar(select(Demand.id).where(Demand.id == demand_id, visible_to_expert(expert_id)))
    return found is not None
