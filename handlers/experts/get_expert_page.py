"""An expert's page (seed 004 §六): basic information, research results, technical solutions, and the
maintaining institutions the actor may see. Follow-up records belong to a link, so they are shown only to
the members (admin, staff) of that link's institution."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from handlers.expert_channel.official_account import follow_state
from handlers.follow_ups.form import KIND_LABELS
from handlers.organisation.actors import load_actor
from handlers.organisation.scope import Listing, not_found, require_listing, visible
from store.models.organisation import Account, Institution, Role
from store.models.organisation_people import (
    Expert,
    ExpertFollowUp,
    ExpertLink,
    ExpertResearchResult,
    ExpertTechnicalSolution,
    FollowUpKind,
)
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetExpertPage:
    actor_id: int
    expert_id: int


@dataclass(frozen=True)
class WorkView:
    id: int
    title: str
    summary: str
    created_at: datetime


@dataclass(frozen=True)
class FollowUpView:
    id: int
    kind: str
    occurred_at: datetime
    content: str
    staff_account_id: int
    staff_name: str
    kind_label: str  # the follow-up form's label for the kind


@dataclass(frozen=True)
class LinkView:
    link_id: int
    institution_id: int
    institution_name: str
    created_at: datetime
    follow_ups: tuple[FollowUpView, ...] | None  # None: not the actor's institution, so not theirs to read


@dataclass(frozen=True)
class ExpertPage:
    expert_id: int
    account_id: int
    name: str
    mobile: str
    title: str
    employer: str
    introduction: str
    research_results: tuple[WorkView, ...]
    technical_solutions: tuple[WorkView, ...]
    links: tuple[LinkView, ...]
    # Whether pushes reach them: following | unfollowed | not_followed, its Chinese label and since when.
    wechat_status: str
    wechat_status_label: str
    wechat_status_since: datetime | None


async def get_expert_page(cmd: GetExpertPage, uow: UnitOfWork) -> ExpertPage:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.EXPERTS)
        row = (
            await uow.session.execute(
                select(Expert, Account.name, Account.mobile)
                .join(Account, Account.id == Expert.account_id)
                .where(Expert.id == cmd.expert_id, visible(actor, Listing.EXPERTS))
            )
        ).first()
        if row is None:
            raise not_found(Listing.EXPERTS)
        expert, name, mobile = row
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
        research = tuple(WorkView(w.id, w.title, w.summary, w.created_at) for w in results)
        technical = tuple(WorkView(w.id, w.title, w.summary, w.created_at) for w in solutions)
        # The links shown are those whose institution the actor may see: the same scoping function.
        links = (
            await uow.session.execute(
                select(ExpertLink, Institution.name)
                .join(Institution, Institution.id == ExpertLink.institution_id)
                .where(ExpertLink.expert_id == expert.id, visible(actor, Listing.INSTITUTIONS))
                .order_by(ExpertLink.id)
            )
        ).all()
        own = actor.institutions(Role.INSTITUTION_ADMIN, Role.STAFF)
        readable = [link.id for link, _ in links if link.institution_id in own]
        follow_ups: dict[int, list[FollowUpView]] = defaultdict(list)
        if readable:
            rows = await uow.session.execute(
                select(ExpertFollowUp, Account.name)
                .join(Account, Account.id == ExpertFollowUp.staff_account_id)
                .where(ExpertFollowUp.link_id.in_(readable))
                .order_by(ExpertFollowUp.occurred_at.desc(), ExpertFollowUp.id.desc())
            )
            for f, staff_name in rows:
                follow_ups[f.link_id].append(
                    FollowUpView(
                        f.id,
                        f.kind,
                        f.occurred_at,
                        f.content,
                        f.staff_account_id,
                        staff_name,
                        KIND_LABELS[FollowUpKind(f.kind)],
                    )
                )
        link_views = tuple(
            LinkView(
                link.id,
                link.institution_id,
                inst,
                link.created_at,
                tuple(follow_ups[link.id]) if link.id in readable else None,
            )
            for link, inst in links
        )
        follow = await follow_state(uow.session, expert.account_id)
        return ExpertPage(
            expert.id,
            expert.account_id,
            name,
            mobile,
            expert.title,
            expert.employer,
            expert.introduction,
            research,
            technical,
            link_views,
            follow.status,
            follow.label,
            follow.since,
        )
