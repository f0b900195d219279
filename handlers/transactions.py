"""The one way an inbound event or a request runs a use case in a transaction of its own:

    open the unit of work → claim the event's key (if it has one) → run the use case with the open transaction
    → keep its reply with the key → commit; all again on a unique-constraint clash.

A claim already held (a repeat from the phone, a redelivery to any instance, a retried push) runs the claim's
`repeat` instead, in the same transaction, which reads and writes nothing else. A DomainError rolls everything
back, the claim included, so the same event made right counts. Two transactions racing past the same checks:
the loser's unique constraint fires at flush, and the whole transaction is tried again, so its checks now see
the winner's row and give the answer a sequential request would get; only a clash that outlives the attempts
becomes a Conflict (or, with `clash=None`, the IntegrityError itself).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.exc import IntegrityError

from handlers.errors import Conflict
from store.inbox import Inbound, keep_reply
from store.transaction import Transaction
from store.uow import UnitOfWork

T = TypeVar("T")
ATTEMPTS = 3
CLASH = "该记录已存在，请刷新后查看"


@dataclass(frozen=True)
class Claim(Generic[T]):
    key: str  # a business key: the same event, however often delivered, has the same key
    kind: Inbound
    # The answer to a repeat, run in the claiming transaction (which then commits nothing).
    repeat: Callable[[Transaction], Awaitable[T]]
    # What to keep with the key (kinds that keep a reply): for the repeats' answers and for diagnosis.
    reply: Callable[[T], dict[str, Any]] | None = None
    message_id: str = ""  # the platform's id of this delivery, for diagnosis


async def transact(
    uow: UnitOfWork,
    work: Callable[[Transaction], Awaitable[T]],
    *,
    claim: Claim[T] | None = None,
    clash: str | None = CLASH,
) -> T:
    """`work`'s result, committed; `claim.repeat`'s for an event acted upon before. `clash`: the Conflict's
    message once the attempts are spent (None: the IntegrityError is raised)."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with uow:
                if claim is not None and not await uow.claim(claim.key, claim.kind, message_id=claim.message_id):
                    return await claim.repeat(uow)
                result = await work(uow)
                if claim is not None and claim.reply is not None:
                    await keep_reply(uow.session, claim.key, claim.reply(result))
                await uow.commit()
                return result
        except IntegrityError as exc:
            # A concurrent change won the same unique key (a row, an audit sequence number): again, on the new
            # state (the claim then also tells an event that committed meanwhile).
            if attempt == ATTEMPTS:
                if clash is None:
                    raise
                raise Conflict(clash, code="duplicate") from exc
    raise AssertionError("unreachable")
