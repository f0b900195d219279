"""The pool as an institution member sees it: enterprises' demands in the cities where it has a centre, each
saying whether the member's institution may take it up — by the same rule the take-up applies — and if not, why."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy import func, select

from handlers.demands.policy import DemandPolicy
from handlers.demands.pool import MEMBERS, TakeUpRefusal, minimums_of, pool_visible, take_up_refusal
from handlers.demands.views import DemandRow, row
from handlers.errors import Forbidden
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from store.models.demands import Demand
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListDemandPool:
    actor_id: int
    page: PageRequest = PageRequest()


@dataclass(frozen=True)
class PoolRow(DemandRow):
    can_take_up: bool  # the member's institution may take it up (its admin, or a centre admin, does)
    take_up_refusal: str | None  # why not, in words for the person; None when it may


def _pool_row(d: Demand, minimums: dict[int, int], floor_bp: int) -> PoolRow:
    # A member of several institutions may take it up when any of them may; otherwise the first reason shows.
    refusals = [take_up_refusal(d.fee_ratio_bp, m, floor_bp) for m in minimums.values()]
    refusal: TakeUpRefusal | None = None if any(r is None for r in refusals) else next(iter(refusals), None)
    base = row(d)
    shown = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
    return PoolRow(**shown, can_take_up=refusal is None, take_up_refusal=refusal.message if refusal else None)


async def list_demand_pool(cmd: ListDemandPool, uow: UnitOfWork, policy: DemandPolicy) -> Page[PoolRow]:
    req = cmd.page.checked()
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        institutions = actor.institutions(*MEMBERS)
        if not institutions:
            raise Forbidden("只有法人机构的成员可以查看揭榜需求")
        where = await pool_visible(uow, actor)
        minimums = await minimums_of(uow, institutions)
        total = await uow.session.scalar(select(func.count()).select_from(Demand).where(where))
        rows = await uow.session.scalars(
            select(Demand).where(where).order_by(Demand.id.desc()).offset(req.offset).limit(req.page_size)
        )
        items = tuple(_pool_row(d, minimums, policy.fee_floor_bp) for d in rows)
    return Page(items, total or 0, req.page, req.page_size)
