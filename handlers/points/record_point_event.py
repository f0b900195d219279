"""Record a point-relevant fact inside the caller's transaction: the event, the entry it earns under the
current rule set, and an audit entry on the credited account's points chain.

The demand flows call this from their own use cases (a demand approved, a push accepted or blocked by
WeChat, a project registered); a repeated report of the same fact is a no-op. Facts about one push name the
same account (the staff member who pushed): the lock on that account's membership then orders them, so the
event ids — the order a replay scores them in — follow the order they were scored live.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select

from handlers.errors import InvalidInput
from handlers.points.daily import add_fact
from handlers.points.derive import derive_entry
from handlers.points.rules import RULE_SETS, RuleSet, current
from store.base import table_of
from store.db import insert_new
from store.models.organisation import StaffMember
from store.models.points import PointEntry, PointEvent
from store.models.points import PointEventKind as Kind
from store.transaction import Transaction

AUDIT_AGGREGATE = "points_account"
# Built once: an approval on the card's ack path runs it.
_STAFF = table_of(StaffMember)
_MEMBER = (
    select(_STAFF.c.institution_id, _STAFF.c.centre_id)
    .where(_STAFF.c.account_id == bindparam("account_id"))
    .with_for_update()
)

# What identifies a fact of each kind, and the fields it must carry.
_SUBJECT = {
    Kind.DEMAND_APPROVED: "demand_id",
    Kind.EXPERT_PUSH_ACCEPTED: "push_id",
    Kind.EXPERT_PUSH_BLOCKED: "push_id",
    Kind.PROJECT_REGISTERED: "demand_id",
}
_REQUIRED = {
    Kind.DEMAND_APPROVED: ("demand_id",),
    Kind.EXPERT_PUSH_ACCEPTED: ("demand_id", "expert_id", "push_id"),
    Kind.EXPERT_PUSH_BLOCKED: ("push_id",),
    Kind.PROJECT_REGISTERED: ("demand_id",),
}


@dataclass(frozen=True)
class PointFact:
    kind: Kind
    account_id: int  # the staff member credited (after a publication: the accepting institution's)
    demand_id: int | None = None
    expert_id: int | None = None
    push_id: int | None = None
    project_id: int | None = None
    occurred_at: datetime | None = None  # default: now

    @property
    def fact_key(self) -> str:
        field = _SUBJECT[self.kind]
        return f"{self.kind}:{field.removesuffix('_id')}:{getattr(self, field)}"


@dataclass(frozen=True)
class PointsRecorded:
    event_id: int | None  # None: the fact was already recorded
    points: int  # what this fact changed the ledger by (negative for a compensation)
    rule_set_version: int


async def record_point_event(
    uow: Transaction, fact: PointFact, rule_sets: Mapping[int, RuleSet] = RULE_SETS
) -> PointsRecorded:
    """Call inside the caller's `async with uow`; the caller commits."""
    rules = current(rule_sets)
    missing = [f for f in _REQUIRED[fact.kind] if getattr(fact, f) is None]
    if missing:
        raise InvalidInput(f"积分事件缺少字段：{', '.join(missing)}", code="invalid_point_event")
    session = uow.session
    # The membership row's lock serialises appends to this account's points chain; the institution and
    # centre credited are the ones of this moment, and stay with the entry after a move or departure.
    member = (await session.execute(_MEMBER, {"account_id": fact.account_id})).first()
    if member is None:
        raise InvalidInput("只有技转人员可以获得贡献积分", code="not_staff")
    now = uow.clock.now()
    event = PointEvent(
        kind=fact.kind,
        fact_key=fact.fact_key,
        demand_id=fact.demand_id,
        expert_id=fact.expert_id,
        push_id=fact.push_id,
        project_id=fact.project_id,
        account_id=fact.account_id,
        institution_id=member.institution_id,
        centre_id=member.centre_id,
        occurred_at=fact.occurred_at or now,
        recorded_at=now,
    )
    # Before any read of the ledger: this INSERT's hold on the event log is what a rebuild waits for.
    event_id = await _insert_new(uow, event)
    if event_id is None:
        return PointsRecorded(None, 0, rules.version)  # recorded before, or a concurrent report of it won
    event.id = event_id
    entry = await derive_entry(session, event, rules, now)
    if entry is not None and await _insert_new(uow, entry) is None:
        entry = None  # a concurrent repeat of the same (demand, expert) earned it first
    await add_fact(session, event, entry)
    points = entry.points if entry is not None else 0
    uow.record(
        AUDIT_AGGREGATE,
        fact.account_id,
        f"points.{fact.kind}",
        data={
            "fact_key": fact.fact_key,
            "event_id": event.id,
            "points": points,
            "rule_set_version": rules.version,
            "credited_account_id": entry.account_id if entry is not None else None,
        },
    )
    return PointsRecorded(event.id, points, rules.version)


async def _insert_new(uow: Transaction, row: PointEvent | PointEntry) -> int | None:
    """The new row's id, or None when a unique key (a fact already recorded, an entry already earned) says it
    exists: one INSERT … ON CONFLICT DO NOTHING, which leaves the caller's transaction usable without a
    savepoint. The row object stays out of the session: what it holds is what was written."""
    model = type(row)
    values = {c.key: getattr(row, c.key) for c in table_of(model).columns if c.key != "id"}
    found: int | None = await uow.session.scalar(insert_new(uow.session, model), values)
    return found
