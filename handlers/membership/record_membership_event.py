"""DingTalk told us people joined, activated or left the organisation: keep it in their audit chains.

What the event means for accounts (activation, deactivation) is handlers.membership.apply_membership_event,
run in the same transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.transaction import Transaction


@dataclass(frozen=True)
class RecordMembershipEvent:
    event_type: str  # user_add_org, user_active_org, user_leave_org …
    event_id: str
    user_ids: tuple[str, ...]


async def record_membership_event(cmd: RecordMembershipEvent, tx: Transaction) -> None:
    """Runs inside the caller's open unit of work, which also claims the kept event (contact_events), so a
    redelivered or replayed event has no second effect."""
    for user_id in cmd.user_ids:
        tx.record("dingtalk_member", user_id, cmd.event_type, data={"event_id": cmd.event_id})
