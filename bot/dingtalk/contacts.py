"""Contact events over Stream (a member joins, activates or leaves the organisation), recorded once each."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from typing import Any

from sqlalchemy.exc import IntegrityError

from handlers.clock import Clock
from handlers.dingtalk.claim_inbound import claim_inbound
from handlers.membership.apply_membership_event import (
    ADDED,
    JOINED,
    ApplyMembershipEvent,
    MemberFacts,
    apply_membership_event,
)
from handlers.membership.policy import DEFAULT_POLICY, MembershipPolicy
from handlers.membership.ports import MemberDirectory
from handlers.organisation.record_membership_event import RecordMembershipEvent, record_membership_event
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
CONFLICT_ATTEMPTS = 3
CONTACT_EVENTS = frozenset({"user_add_org", "user_active_org", "user_leave_org", "user_modify_org"})


class ContactEvents:
    def __init__(self, uow: Callable[[], UnitOfWork], clock: Clock, *, members: MemberDirectory | None = None,
                 policy: MembershipPolicy = DEFAULT_POLICY) -> None:
        self._uow = uow
        self._clock = clock
        self._members = members
        self._policy = policy

    async def handle(self, *, message_id: str, event_type: str, event_id: str | None, data: dict[str, Any]) -> None:
        """Raises when the effect could not be committed, so the event is acked LATER and comes again."""
        # The header may be missing: then the payload's eventId, then the frame's messageId, which a
        # redelivery keeps. One shared placeholder ("None") would drop every later id-less event.
        event_id = event_id or str(data.get("eventId") or "") or message_id
        if event_type not in CONTACT_EVENTS:
            log.info("dingtalk event ignored", extra={"event_type": event_type, "event_id": event_id})
            return
        short = event_id if len(event_id) <= 58 else hashlib.sha256(event_id.encode()).hexdigest()[:58]
        key = f"event:{short}"
        user_ids = tuple(str(u) for u in data.get("userId") or [])
        # Asked before the transaction (no lock held across the network): whether an added member is active
        # already, and the mobile that finds an invitation whose userid the relay has not recorded yet.
        facts = await self._facts(event_type, user_ids)
        for attempt in range(CONFLICT_ATTEMPTS):
            try:
                await self._record_once(key, message_id, event_type, event_id, user_ids, facts)
                return
            except IntegrityError:
                # Another event for the same member took the next audit sequence number first: try again
                # on the new head (the claim then also tells an event recorded concurrently).
                if attempt == CONFLICT_ATTEMPTS - 1:
                    raise

    async def _facts(self, event_type: str, user_ids: tuple[str, ...]) -> tuple[MemberFacts, ...]:
        if self._members is None or event_type not in (ADDED, JOINED):
            return tuple(MemberFacts(u) for u in user_ids)
        found = [await self._members.member(u) for u in user_ids]
        return tuple(f or MemberFacts(u) for u, f in zip(user_ids, found, strict=True))

    async def _record_once(self, key: str, message_id: str, event_type: str, event_id: str,
                           user_ids: tuple[str, ...], facts: tuple[MemberFacts, ...]) -> None:
        async with self._uow() as uow:
            claimed = await claim_inbound(uow.session, key=key, kind="event", message_id=message_id,
                                          now=self._clock.now(), reply={"status": "SUCCESS"})
            if claimed is None:
                return
            await record_membership_event(RecordMembershipEvent(event_type, event_id, user_ids), uow)
            await apply_membership_event(ApplyMembershipEvent(event_type, facts), uow, self._policy)
            await uow.commit()
