"""A maintaining institution's admin or staff adds a research result (科研成果) to an expert's page."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.experts.expert_works import add_work
from store.models.organisation_people import ExpertResearchResult
from store.uow import UnitOfWork


@dataclass(frozen=True)
class AddResearchResult:
    actor_id: int
    expert_id: int
    title: str
    summary: str = ""


async def add_research_result(cmd: AddResearchResult, uow: UnitOfWork) -> int:
    """The new result's id."""
    return await add_work(uow, cmd.actor_id, cmd.expert_id, ExpertResearchResult, "科研成果", cmd.title, cmd.summary)
