"""The experts an institution maintains, with what ranking and pushing need: their writing, their official
account's openid (see handlers/expert_channel/official_account.py), and whether a push can reach them (bound to
the mini-program and still following)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from handlers.expert_channel.official_account import follow_states
from handlers.expert_push.ranking import ExpertText
from store.models.auth import MiniProgramBinding
from store.models.organisation import CLOSED_STATUSES, Account
from store.models.organisation_people import Expert, ExpertLink, ExpertResearchResult, ExpertTechnicalSolution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class Candidate:
    profile: ExpertText
    name: str
    title: str
    employer: str
    openid: str | None  # the official account's, None when no follow of theirs is known
    bound: bool  # the mini-program is bound to their account
    following: bool  # following the official account now, and the platform has not refused the openid
    active: bool  # the account is not disabled

    @property
    def reachable(self) -> bool:
        return self.openid is not None and self.bound and self.following and self.active


async def maintained_experts(
    uow: UnitOfWork, institution_id: int, app_id: str, only: Sequence[int] | None = None
) -> list[Candidate]:
    """Every expert the institution maintains (or those of `only` among them), in the order they were added."""
    query = (
        select(Expert, Account.name, Account.status)
        .join(ExpertLink, ExpertLink.expert_id == Expert.id)
        .join(Account, Account.id == Expert.account_id)
        .where(ExpertLink.institution_id == institution_id)
        .order_by(Expert.id)
    )
    if only is not None:
        query = query.where(Expert.id.in_(list(only)))
    rows = (await uow.session.execute(query)).all()
    if not rows:
        return []
    experts = [row[0] for row in rows]
    account_ids = [e.account_id for e in experts]
    follows = await follow_states(uow.session, account_ids, app_id)
    bound = set(
        await uow.session.scalars(
            select(MiniProgramBinding.account_id).where(MiniProgramBinding.account_id.in_(account_ids))
        )
    )
    works = await _works(uow, [e.id for e in experts])
    found: list[Candidate] = []
    for expert, name, status in rows:
        follow = follows[expert.account_id]
        text = "\n".join([expert.introduction, *works.get(expert.id, []), expert.employer])
        found.append(
            Candidate(
                ExpertText(expert.id, tuple(expert.research_fields or ()), expert.region_code, text),
                name=name,
                title=expert.title,
                employer=expert.employer,
                openid=follow.openid,
                bound=expert.account_id in bound,
                following=follow.following,
                active=status not in CLOSED_STATUSES,
            )
        )
    return found


async def _works(uow: UnitOfWork, expert_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for model in (ExpertResearchResult, ExpertTechnicalSolution):
        rows = await uow.session.execute(
            select(model.expert_id, model.title, model.summary)
            .where(model.expert_id.in_(expert_ids))
            .order_by(model.id)
        )
        for expert_id, title, summary in rows:
            found.setdefault(expert_id, []).append(f"{title}\n{summary}")
    return found
