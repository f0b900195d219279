"""Experts the actor may see, newest first; one row per person however many institutions keep them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from handlers.expert_channel.official_account import follow_states
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.organisation.scope import Listing, require_listing, visible
from store.models.organisation import Account
from store.models.organisation_people import Expert
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListExperts:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class ExpertView:
    expert_id: int
    account_id: int
    name: str
    title: str
    employer: str
    # Whether pushes reach them: following | unfollowed | not_followed, its Chinese label and since when.
    wechat_status: str
    wechat_status_label: str
    wechat_status_since: datetime | None


async def list_experts(cmd: ListExperts, uow: UnitOfWork) -> Page[ExpertView]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_listing(actor, Listing.EXPERTS)
        where = visible(actor, Listing.EXPERTS)
        total = await uow.session.scalar(select(func.count()).select_from(Expert).where(where))
        rows = await uow.session.execute(
            select(Expert, Account.name)
            .join(Account, Account.id == Expert.account_id)
            .where(where)
            .order_by(Expert.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        found = rows.all()
        follows = await follow_states(uow.session, [e.account_id for e, _ in found])
        items = tuple(
            ExpertView(
                e.id,
                e.account_id,
                name,
                e.title,
                e.employer,
                follows[e.account_id].status,
                follows[e.account_id].label,
                follows[e.account_id].since,
            )
            for e, name in found
        )
    return Page(items, total or 0, req.page, req.page_size)
