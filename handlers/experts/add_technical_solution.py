"""A maintaining institution's admin or staff adds a technical solution (技术方案) to an expert's page."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.experts.expert_works import add_work
from store.models.organisation_people import ExpertTechnicalSolution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddTechnicalSolution:
    actor_id: int
    expert_id: int
    title: str
    summary: str = ""


async def add_technical_solution(cmd: AddTechnicalSolution, uow: UnitOfWork) -> int:
    """The new solution's id."""
    return await add_work(uow, cmd.actor_id, cmd.expert_id, ExpertTechnicalSolution, "技术方案", cmd.title, cmd.summary)
