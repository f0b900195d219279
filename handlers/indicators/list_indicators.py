"""The indicators in force for the caller's monitors at a time, and the base measures a formula may name."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from handlers.errors import Forbidden
from handlers.indicators.in_force import in_force, owners_of
from handlers.indicators.measures import BASE_MEASURES
from handlers.indicators.views import IndicatorView
from handlers.organisation.actors import load_actor
from store.models.organisation import Role
from store.uow import UnitOfWork

# Who has monitors to read (seed 004 §八: officials; §一.4: institutions' own administrators).
MONITOR_READERS = (Role.SYSTEM_ADMIN, Role.OFFICIAL, Role.INSTITUTION_ADMIN)


@dataclass(frozen=True)
class ListIndicators:
    actor_id: int
    at: datetime | None = None  # now when None


@dataclass(frozen=True)
class Measure:
    name: str
    label: str


@dataclass(frozen=True)
class Indicators:
    at: datetime
    items: list[IndicatorView]
    measures: list[Measure]


async def list_indicators(cmd: ListIndicators, uow: UnitOfWork) -> Indicators:
    async with uow:
        at = cmd.at or uow.clock.now()
        actor = await load_actor(uow, cmd.actor_id)
        if not any(actor.has(role) for role in MONITOR_READERS):
            raise Forbidden("只有科技管理人员和管理员可以查看监测指标")
        items = await in_force(uow, await owners_of(uow, actor), at)
    return Indicators(at, items, [Measure(name, label) for name, label in BASE_MEASURES.items()])
