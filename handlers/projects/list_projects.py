"""Registered projects in the actor's demand scope, latest first; `flagged` keeps those whose fee was paid below
the agreed ratio (the institution admin's list to check)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.demands.scope import visible_demands
from handlers.files.links import demand_file_link, stored_files
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.projects.views import ProjectView, project_file_ids, require_projects, view
from store.models.demands import Demand
from store.models.projects import ProjectRegistration
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListProjects:
    actor_id: int
    page: PageRequest = PageRequest()
    flagged: bool = False


async def list_projects(cmd: ListProjects, uow: UnitOfWork) -> Page[ProjectView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_projects(actor)
        where = await visible_demands(uow, actor)
        if cmd.flagged:
            where = where & ProjectRegistration.fee_flag.is_not(None)
        joined = select(ProjectRegistration, Demand.number, Demand.title).join(
            Demand, Demand.id == ProjectRegistration.demand_id
        )
        total = await uow.session.scalar(
            select(func.count())
            .select_from(ProjectRegistration)
            .join(Demand, Demand.id == ProjectRegistration.demand_id)
            .where(where)
        )
        rows = await uow.session.execute(
            joined.where(where)
            .order_by(ProjectRegistration.registered_at.desc(), ProjectRegistration.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        found = list(rows)
        files = await stored_files(uow, (i for p, _, _ in found for i in project_file_ids(p)))
        items = tuple(
            view(
                p,
                number,
                title,
                {i: demand_file_link(p.demand_id, files[i]) for i in project_file_ids(p) if i in files},
            )
            for p, number, title in found
        )
    return Page(items, total or 0, req.page, req.page_size)
