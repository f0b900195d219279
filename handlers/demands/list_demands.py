"""Demands in the actor's scope, most recently changed first, optionally of one status."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import func, select

from handlers.demands.scope import require_demands, visible_demands
from handlers.demands.views import DemandRow, row
from handlers.errors import InvalidInput
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import Page, PageRequest
from handlers.reviews.deadlines import overdue_days
from store.models.demands import Demand, DemandStatus, Review, ReviewStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ListDemands:
    actor_id: int
    page: PageRequest = PageRequest()
    status: str | None = None


async def list_demands(cmd: ListDemands, uow: UnitOfWork) -> Page[DemandRow]:
    req = cmd.page.checked()
    if cmd.status is not None and cmd.status not in set(DemandStatus):
        raise InvalidInput("需求状态无效", code="invalid_status")
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_demands(actor)
        where = await visible_demands(uow, actor)
        if cmd.status is not None:
            where = where & (Demand.status == cmd.status)
        total = await uow.session.scalar(select(func.count()).select_from(Demand).where(where))
        rows = await uow.session.scalars(
            select(Demand)
            .where(where)
            .order_by(Demand.updated_at.desc(), Demand.id.desc())
            .offset(req.offset)
            .limit(req.page_size)
        )
        items = tuple(row(d) for d in rows)
        items = await _with_due_dates(uow, items)
    return Page(items, total or 0, req.page, req.page_size)


async def _with_due_dates(uow: UnitOfWork, items: tuple[DemandRow, ...]) -> tuple[DemandRow, ...]:
    """The demands under review carry their review's due date and the working days it is overdue."""
    reviewing = [item.demand_id for item in items if item.status == DemandStatus.PENDING_REVIEW]
    if not reviewing:
        return items
    rows = await uow.session.execute(
        select(Review.subject_id, Review.due_on).where(
            Review.subject_type == "demand",
            Review.subject_id.in_(reviewing),
            Review.status == ReviewStatus.PENDING,
            Review.due_on.is_not(None),
        )
    )
    due: dict[int, date] = {demand_id: due_on for demand_id, due_on in rows if due_on is not None}
    now = uow.clock.now()
    return tuple(
        replace(item, review_due_on=due[item.demand_id], review_overdue_days=overdue_days(due[item.demand_id], now))
        if item.demand_id in due
        else item
        for item in items
    )
