"""Who commits is in the type: a use case that runs inside its caller's transaction takes `tx: Transaction`,
which has no `commit`; one that owns its transaction takes the `UnitOfWork` and commits it. A `UnitOfWork` in
`async with` is a Transaction (the inbound helper, handlers.transactions.transact, hands one to the use case)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from handlers.clock import Clock
from store.inbox import Inbound
from store.outbox import Message


class Transaction(Protocol):
    """An open unit of work, committed by whoever opened it. The members mirror `UnitOfWork`'s."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def clock(self) -> Clock: ...

    def at_commit(self, step: Callable[[], Awaitable[object]]) -> None: ...

    def send_later(self, message: Message) -> None: ...

    async def send(self, message: Message) -> int: ...

    def record(
        self,
        aggregate_type: str,
        aggregate_id: str | int,
        action: str,
        *,
        actor: str | None = None,
        data: dict[str, Any] | None = None,
        personal: dict[str, tuple[str, str]] | None = None,
    ) -> None: ...

    async def claim(self, key: str, kind: Inbound, *, message_id: str = "") -> bool: ...
