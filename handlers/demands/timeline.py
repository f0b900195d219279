"""A demand's timeline: each step a row (for the page) and an audit entry (for the evidence chain)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select

from handlers.demands.states import Step
from store.base import table_of
from store.models.demands import Demand, DemandEvent, DemandStatus
from store.models.organisation import Account
from store.transaction import Transaction

# Core, built once: a review decision writes its step on the card's ack path.
_INSERT_EVENT = insert(table_of(DemandEvent))


async def step(
    uow: Transaction,
    demand: Demand,
    action: Step,
    before: DemandStatus | None,
    *,
    actor: str,
    actor_name: str | None = None,
    note: str = "",
    data: dict[str, Any] | None = None,
) -> None:
    if actor_name is None:
        actor_name = await _name(uow, actor)
    await uow.session.execute(
        _INSERT_EVENT,
        {
            "demand_id": demand.id,
            "action": str(action),
            "from_status": before,
            "to_status": demand.status,
            "actor": actor,
            "actor_name": actor_name,
            "note": note,
            "at": uow.clock.now(),
        },
    )
    uow.record(
        "demand",
        demand.id,
        str(action),
        actor=actor,
        data={"from": before, "to": demand.status, "note": note, **(data or {})},
    )


async def _name(uow: Transaction, actor: str) -> str:
    if actor.startswith("account:"):
        name = await uow.session.scalar(select(Account.name).where(Account.id == int(actor.split(":", 1)[1])))
        return name or actor
    return actor
