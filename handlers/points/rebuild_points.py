"""Delete the ledger and derive it again from the event log, under the current or a chosen rule set.

Replay is the ledger's proof: the events are the truth, so deleting the entries and scoring the events
again in their recorded order gives the same totals (and a new rule-set version takes effect here).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, select

from handlers.points.daily import derive_days
from handlers.points.derive import derive_entry, lock_ledger_for_rebuild
from handlers.points.rules import RULE_SETS, RuleSet, chosen
from store.models.points import PointEntry, PointEvent
from store.uow import UnitOfWork

AUDIT_AGGREGATE = "points_ledger"
_BATCH = 500


@dataclass(frozen=True)
class RebuildPoints:
    rule_set_version: int | None = None  # None: the current rule set
    actor: str = "cli"


@dataclass(frozen=True)
class PointsRebuilt:
    rule_set_version: int
    events: int
    entries: int
    total_points: int


async def rebuild_points(
    cmd: RebuildPoints, uow: UnitOfWork, rule_sets: Mapping[int, RuleSet] = RULE_SETS
) -> PointsRebuilt:
    rules = chosen(cmd.rule_set_version, rule_sets)
    async with uow:
        session = uow.session
        now = uow.clock.now()
        await lock_ledger_for_rebuild(session)
        # Self-references first, so the delete never trips the compensation foreign key mid-statement.
        await session.execute(delete(PointEntry).where(PointEntry.compensates_entry_id.is_not(None)))
        await session.execute(delete(PointEntry))
        events = entries = total = 0
        last_id = 0
        while True:
            batch = (
                await session.scalars(
                    select(PointEvent).where(PointEvent.id > last_id).order_by(PointEvent.id).limit(_BATCH)
                )
            ).all()
            if not batch:
                break
            for event in batch:
                events += 1
                entry = await derive_entry(session, event, rules, now)
                if entry is not None:
                    session.add(entry)
                    await session.flush()
                    entries += 1
                    total += entry.points
            last_id = batch[-1].id
        await derive_days(session)  # the monitors' daily sums follow the new ledger
        uow.record(
            AUDIT_AGGREGATE,
            "ledger",
            "points.rebuilt",
            actor=cmd.actor,
            data={"rule_set_version": rules.version, "events": events, "entries": entries, "total_points": total},
        )
        await uow.commit()
    return PointsRebuilt(rules.version, events, entries, total)
