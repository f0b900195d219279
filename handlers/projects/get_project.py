"""One demand's registered project, for whoever sees the demand (the enterprise excepted)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.scope import require_visible_demand
from handlers.errors import NotFound
from handlers.files.links import demand_file_links
from handlers.organisation.actors import load_actor
from handlers.projects.views import ProjectView, project_file_ids, require_projects, view
from store.models.demands import Demand
from store.models.projects import ProjectRegistration
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetProject:
    actor_id: int
    demand_id: int


async def get_project(cmd: GetProject, uow: UnitOfWork) -> ProjectView:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_projects(actor)
        await require_visible_demand(uow, actor, cmd.demand_id)
        found = (
            await uow.session.execute(
                select(ProjectRegistration, Demand.number, Demand.title)
                .join(Demand, Demand.id == ProjectRegistration.demand_id)
                .where(ProjectRegistration.demand_id == cmd.demand_id)
            )
        ).first()
        if found is None:
            raise NotFound("该需求尚未登记对接成功项目", code="project_not_found")
        project = found[0]
        links = await demand_file_links(uow, project.demand_id, project_file_ids(project))
        return view(project, found[1], found[2], links)
