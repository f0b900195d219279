"""The writes behind adding an expert, shared by the one-at-a-time form and the Excel import."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from handlers.expert_invitations.invite import invite_expert
from handlers.organisation.people import grant_role, subject_of
from store.models.organisation import Account, Role
from store.models.organisation_people import Expert, ExpertLink, ExpertResearchResult, ExpertTechnicalSolution
from store.transaction import Transaction


@dataclass(frozen=True)
class Work:
    """A research result or a technical solution."""

    title: str
    summary: str = ""


@dataclass(frozen=True)
class ExpertProfile:
    title: str
    employer: str
    introduction: str
    research_results: Sequence[Work] = ()
    technical_solutions: Sequence[Work] = ()
    research_fields: Sequence[str] = ()  # validated technical-field codes
    region_code: str | None = None


async def create_expert(uow: Transaction, account: Account, profile: ExpertProfile, actor: str) -> Expert:
    """The person's profile: it belongs to the person, not to the institutions that keep them."""
    now = uow.clock.now()
    expert = Expert(
        account_id=account.id,
        title=profile.title,
        employer=profile.employer,
        introduction=profile.introduction,
        research_fields=list(profile.research_fields),
        region_code=profile.region_code,
        created_at=now,
        updated_at=now,
    )
    uow.session.add(expert)
    await uow.session.flush()
    for w in profile.research_results:
        uow.session.add(ExpertResearchResult(expert_id=expert.id, title=w.title, summary=w.summary, created_at=now))
    for w in profile.technical_solutions:
        uow.session.add(ExpertTechnicalSolution(expert_id=expert.id, title=w.title, summary=w.summary, created_at=now))
    uow.record(
        "expert",
        expert.id,
        "created",
        actor=actor,
        data={
            "account_id": account.id,
            "research_results": len(profile.research_results),
            "technical_solutions": len(profile.technical_solutions),
            "research_fields": list(profile.research_fields),
            "region_code": profile.region_code,
        },
        personal={
            "title": (subject_of(account.id), profile.title),
            "employer": (subject_of(account.id), profile.employer),
            "introduction": (subject_of(account.id), profile.introduction),
        },
    )
    return expert


async def link_expert(
    uow: Transaction,
    expert: Expert,
    *,
    institution_id: int,
    added_by: int,
    actor: str,
    source: str | None = None,
    new_account: bool = False,
) -> ExpertLink:
    """One link per maintaining institution; follow-up records hang off it. The expert is invited to
    the official account here, once per person, whichever way they were added."""
    link = ExpertLink(expert_id=expert.id, institution_id=institution_id, added_by=added_by, created_at=uow.clock.now())
    uow.session.add(link)
    await uow.session.flush()
    await grant_role(uow, expert.account_id, Role.EXPERT, actor, institution_id=institution_id)
    data: dict[str, object] = {"institution_id": institution_id, "link_id": link.id}
    if source is not None:
        data["source"] = source
    uow.record("expert", expert.id, "linked", actor=actor, data=data)
    await invite_expert(uow, expert.account_id, institution_id, actor, new_account=new_account)
    return link
