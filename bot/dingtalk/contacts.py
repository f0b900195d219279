"""Contact events over Stream (a member joins, activates or leaves the organisation): kept, acknowledged, then
applied in the background from the kept row (handlers.membership.contact_events).

The ack waits on one INSERT only: never on DingTalk's member lookup nor on our retries. An event whose payload
we cannot read, or whose lookup keeps failing, stays kept with its raw payload (`kezhuan dingtalk replay-events`
applies it again); a pending event the background did not finish (a restart) is taken up by `resume`.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from typing import Any

from handlers.clock import Clock
from handlers.membership.contact_events import (
    MAX_ATTEMPTS,
    UNREADABLE,
    ApplyContactEvent,
    KeepContactEvent,
    apply_contact_event,
    keep_contact_event,
    pending_contact_events,
)
from handlers.membership.policy import MembershipPolicy
from handlers.membership.ports import MemberDirectory
from handlers.transactions import Claim, transact
from store.inbox import Inbound
from store.transaction import Transaction
from store.uow import UnitOfWork

log = logging.getLogger(__name__)
CONTACT_EVENTS = frozenset({"user_add_org", "user_active_org", "user_leave_org", "user_modify_org"})
RETRY_BASE_SECONDS = 1.0


def event_key(event_id: str) -> str:
    short = event_id if len(event_id) <= 58 else hashlib.sha256(event_id.encode()).hexdigest()[:58]
    return f"event:{short}"


async def _kept_before(_tx: Transaction) -> None:
    """A redelivered event: kept already, nothing to wake."""


class ContactEvents:
    """Keeps each event on the ack path; one background worker per instance applies the kept events in the
    order they were kept (a member who joins and leaves at once must end up gone)."""

    def __init__(
        self,
        uow: Callable[[], UnitOfWork],
        clock: Clock,
        *,
        members: MemberDirectory | None = None,
        policy: MembershipPolicy,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._members = members
        self._policy = policy
        self._worker: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()

    async def handle(self, *, message_id: str, event_type: str, event_id: str | None, data: dict[str, Any]) -> None:
        """Keeps the event and returns (the caller acks); raises only when it could not be kept, so the event
        is acked LATER and comes again. It is applied in the background."""
        # The header may be missing: then the payload's eventId, then the frame's messageId, which a
        # redelivery keeps. One shared placeholder ("None") would drop every later id-less event.
        event_id = event_id or str(data.get("eventId") or "") or message_id
        if event_type not in CONTACT_EVENTS:
            log.info("dingtalk event ignored", extra={"event_type": event_type, "event_id": event_id})
            return
        event = KeepContactEvent(event_type, event_id, message_id, data)
        claim: Claim[int | None] = Claim(
            event_key(event_id),
            Inbound.CONTACT_EVENT,
            _kept_before,
            reply=lambda _: {"status": "SUCCESS"},
            message_id=message_id,
        )
        row_id = await transact(self._uow(), lambda tx: keep_contact_event(event, tx), claim=claim, clash=None)
        if row_id is not None:
            self.resume()

    def resume(self) -> None:
        """Wakes the worker (started if needed): it applies every kept event still pending, oldest first,
        those a stopped instance left included."""
        self._wake.set()
        if self._worker is None or self._worker.done():
            self._worker = asyncio.get_running_loop().create_task(self._work(), name="dingtalk-contact-events")

    async def _work(self) -> None:
        while self._wake.is_set():
            self._wake.clear()
            try:
                pending = await pending_contact_events(self._uow())
            except Exception:
                log.exception("dingtalk contact events could not be read; retried at the next event or start")
                return
            for row_id in pending:
                await self.apply(row_id)
            # Kept meanwhile: `handle` set the wake again. One still pending (the database away) waits for
            # the next event or start.

    async def apply(self, row_id: int) -> str:
        """Applies a kept event, retrying a failed member lookup with backoff; the status it ends in."""
        for attempt in range(MAX_ATTEMPTS):
            try:
                status = await apply_contact_event(ApplyContactEvent(row_id), self._uow(), self._members, self._policy)
            except Exception:
                log.warning(
                    "dingtalk contact event not applied yet",
                    exc_info=True,
                    extra={"event_row_id": row_id, "attempt": attempt + 1},
                )
                if attempt < MAX_ATTEMPTS - 1:
                    await self._clock.sleep(RETRY_BASE_SECONDS * 2**attempt)
                continue
            if status == UNREADABLE:
                log.error(
                    "dingtalk contact event of a payload shape we do not know kept for replay",
                    extra={"event_row_id": row_id},
                )
            return status
        log.error("dingtalk contact event failed; kept for replay", extra={"event_row_id": row_id})
        return "failed"

    async def close(self) -> None:
        """Stops the worker; an event it was applying stays pending, for the next start."""
        if self._worker is not None:
            self._worker.cancel()
            await asyncio.gather(self._worker, return_exceptions=True)

    async def flush(self) -> None:
        """Waits until the worker has applied what is pending."""
        while self._worker is not None and not self._worker.done():
            await asyncio.gather(self._worker, return_exceptions=True)
