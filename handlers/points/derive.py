"""Scoring one event under a rule set: the same function serves live recording and replay, and it reads
only events before the one scored and the entries derived so far, so a replay in event order reproduces
exactly what live recording wrote."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.points.rules import RuleSet
from store.models.points import PointEntry, PointEvent

COMPENSATION = "compensation"


async def lock_ledger_for_rebuild(session: AsyncSession) -> None:
    """A rebuild and the facts recorded meanwhile take turns, so no fact is scored against a half-rebuilt
    ledger. A recorder inserts its event before it reads the ledger, and that INSERT holds the event log in
    ROW EXCLUSIVE mode until its commit; the rebuild excludes it by locking the log (then the ledger) in
    EXCLUSIVE mode: it waits for recorders in flight, and new ones wait for it. Recording pays no statement
    of its own for this. SQLite already runs one writer at a time (BEGIN IMMEDIATE)."""
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("LOCK TABLE point_events, point_entries IN EXCLUSIVE MODE"))


async def derive_entry(session: AsyncSession, event: PointEvent, rules: RuleSet, now: datetime) -> PointEntry | None:
    """The ledger entry the event earns under the rules, or None when it earns nothing."""
    if event.kind in rules.compensates:
        return await _compensation(session, event, rules, now)
    points = rules.points.get(event.kind, 0)
    if points == 0 or await _withdrawn_before_earned(session, event, rules):
        return None
    once_key = None
    if event.kind in rules.once_per:
        once_key = f"{event.kind}:" + ":".join(f"{f}={getattr(event, f)}" for f in rules.once_per[event.kind])
        earned = await session.scalar(
            select(PointEntry.id).where(PointEntry.once_key == once_key, PointEntry.rule_set_version == rules.version)
        )
        if earned is not None:
            return None  # a repeat earns nothing
    return PointEntry(
        event_id=event.id,
        rule_set_version=rules.version,
        points=points,
        reason=str(event.kind),
        once_key=once_key,
        account_id=event.account_id,
        institution_id=event.institution_id,
        centre_id=event.centre_id,
        created_at=now,
    )


async def _compensation(session: AsyncSession, event: PointEvent, rules: RuleSet, now: datetime) -> PointEntry | None:
    earned_kind, field = rules.compensates[event.kind]
    original = await session.scalar(
        select(PointEntry)
        .join(PointEvent, PointEvent.id == PointEntry.event_id)
        .where(
            PointEvent.kind == earned_kind,
            getattr(PointEvent, field) == getattr(event, field),
            PointEvent.id < event.id,
            PointEntry.rule_set_version == rules.version,
            PointEntry.points > 0,
        )
        .order_by(PointEntry.id)
        .limit(1)
    )
    if original is None:
        return None  # nothing was earned (a repeat, or not yet accepted): nothing to withdraw
    withdrawn = await session.scalar(
        select(PointEntry.id).where(
            PointEntry.compensates_entry_id == original.id, PointEntry.rule_set_version == rules.version
        )
    )
    if withdrawn is not None:
        return None
    # The credit is withdrawn from whoever received it, where they were then.
    return PointEntry(
        event_id=event.id,
        rule_set_version=rules.version,
        points=-original.points,
        reason=COMPENSATION,
        compensates_entry_id=original.id,
        account_id=original.account_id,
        institution_id=original.institution_id,
        centre_id=original.centre_id,
        created_at=now,
    )


async def _withdrawn_before_earned(session: AsyncSession, event: PointEvent, rules: RuleSet) -> bool:
    """A push reported blocked before its acceptance arrived never earns."""
    for kind, (earned_kind, field) in rules.compensates.items():
        if earned_kind != event.kind:
            continue
        found = await session.scalar(
            select(PointEvent.id).where(
                PointEvent.kind == kind, getattr(PointEvent, field) == getattr(event, field), PointEvent.id < event.id
            )
        )
        if found is not None:
            return True
    return False
