"""信息维护: the expert's own profile, with the institutions maintaining them and the works they keep."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.expert_channel.access import require_expert
from store.models.organisation import Account, Institution
from store.models.organisation_people import ExpertLink, ExpertResearchResult, ExpertTechnicalSolution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetProfile:
    actor_id: int


@dataclass(frozen=True)
class WorkView:
    title: str
    summary: str


@dataclass(frozen=True)
class ExpertProfileView:
    expert_id: int
    name: str
    mobile: str
    title: str
    employer: str
    introduction: str
    research_fields: tuple[str, ...]  # technical-field codes (/tech-fields names them)
    institutions: tuple[str, ...]
    research_results: tuple[WorkView, ...]
    technical_solutions: tuple[WorkView, ...]


async def profile_view(uow: UnitOfWork, actor_id: int) -> ExpertProfileView:
    expert = await require_expert(uow, actor_id)
    account = await uow.session.get(Account, actor_id)
    assert account is not None  # require_expert found the account's expert
    institutions = await uow.session.scalars(
        select(Institution.name)
        .join(ExpertLink, ExpertLink.institution_id == Institution.id)
        .where(ExpertLink.expert_id == expert.id)
        .order_by(ExpertLink.id)
    )
    results = await uow.session.scalars(
        select(ExpertResearchResult)
        .where(ExpertResearchResult.expert_id == expert.id)
        .order_by(ExpertResearchResult.id)
    )
    solutions = await uow.session.scalars(
        select(ExpertTechnicalSolution)
        .where(ExpertTechnicalSolution.expert_id == expert.id)
        .order_by(ExpertTechnicalSolution.id)
    )
    return ExpertProfileView(
        expert.id,
        account.name,
        account.mobile,
        expert.title,
        expert.employer,
        expert.introduction,
        tuple(expert.research_fields or ()),
        tuple(institutions),
        tuple(WorkView(r.title, r.summary) for r in results),
        tuple(WorkView(s.title, s.summary) for s in solutions),
    )


async def get_profile(cmd: GetProfile, uow: UnitOfWork) -> ExpertProfileView:
    async with uow:
        return await profile_view(uow, cmd.actor_id)
