"""The reminder row of a demand: a new silence starts at a follow-up or a change of staff member."""

from __future__ import annotations

from datetime import datetime

from store.models.follow_ups import FollowUpReminder
from store.transaction import Transaction


async def restart_silence(uow: Transaction, demand_id: int, at: datetime) -> None:
    """The count starts again from `at`; nothing sent for the previous silence counts any more.

    Call it holding the demand's row lock (the reminder job takes the same lock)."""
    row = await uow.session.get(FollowUpReminder, demand_id)
    if row is None:
        uow.session.add(
            FollowUpReminder(demand_id=demand_id, anchor_at=at, reminded_at=None, escalated_at=None, next_check_at=at)
        )
        return
    row.anchor_at, row.reminded_at, row.escalated_at, row.next_check_at = at, None, None, at
