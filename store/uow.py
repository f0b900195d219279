"""Unit of work: one transaction per command, explicit commit, rollback on anything else."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from handlers.clock import Clock
from store.audit.chain import PendingEntry, append_entries
from store.inbox import Inbound
from store.inbox import claim as claim_key
from store.outbox import Message, Outgoing, enqueue, enqueue_many


class UnitOfWork:
    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], clock: Clock) -> None:
        self._sessionmaker = sessionmaker
        self.clock = clock
        self._session: AsyncSession | None = None
        self._later: list[Outgoing] = []
        self._audit: list[PendingEntry] = []
        self._last: list[Callable[[], Awaitable[object]]] = []

    @property
    def session(self) -> AsyncSession:
        if self._session is None:
            raise RuntimeError("unit of work used outside `async with`")
        return self._session

    async def __aenter__(self) -> Self:
        self._session = self._sessionmaker()
        self._later = []
        self._audit = []
        self._last = []
        await self._session.begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        session = self.session
        try:
            if session.in_transaction():
                await session.rollback()
        finally:
            await session.close()
            self._session = None
            self._later = []
            self._audit = []
            self._last = []

    def at_commit(self, step: Callable[[], Awaitable[object]]) -> None:
        """Run `step` in `commit`, after everything else the transaction writes (its messages included) and
        before its audit entries: for a step that takes a lock held until the commit, so that the lock is held
        as briefly as the transaction allows. A DomainError it raises fails the commit like any other."""
        self._last.append(step)

    async def commit(self) -> None:
        await self._send_pending()
        last, self._last = self._last, []
        for step in last:
            await step()
        await self._send_pending()
        audit, self._audit = self._audit, []
        await append_entries(self.session, audit)
        await self.session.commit()

    def send_later(self, message: Message) -> None:
        """Like `send` for a message whose row id nobody needs: the messages of the transaction are written
        together, in one INSERT, at the commit (before any `at_commit` step takes its lock)."""
        self._later.append(Outgoing.of(message))

    async def _send_pending(self) -> None:
        """Write the messages `send_later` holds."""
        later, self._later = self._later, []
        await enqueue_many(self.session, later, now=self.clock.now())

    async def claim(self, key: str, kind: Inbound, *, message_id: str = "") -> bool:
        """True the first time the inbound event named `key` is seen: its key is written in this transaction, so
        the effect and the key commit together. False for a repeat or a redelivery of an event already acted
        upon (the other transaction's claim is waited for); this transaction stays usable, for reading the first
        answer, and writes nothing else. Call it first, before the effect (handlers.transactions.transact does)."""
        return await claim_key(self.session, key, kind, now=self.clock.now(), message_id=message_id)

    async def send(self, message: Message) -> int:
        """Write an outbound message (a `cards.outbound` class) into this transaction; it leaves only if the commit
        does. The message names its channel and derives its row keys: the platform's idempotency key and the
        ordering key that makes the relay send the messages about one card or to-do in order."""
        return await enqueue(self.session, Outgoing.of(message), now=self.clock.now())

    def record(
        self,
        aggregate_type: str,
        aggregate_id: str | int,
        action: str,
        *,
        actor: str | None = None,
        data: dict[str, Any] | None = None,
        personal: dict[str, tuple[str, str]] | None = None,
    ) -> None:
        """Append to the aggregate's audit chain at the commit; hold the aggregate's row lock until then (a
        use case's locks last to its commit anyway). The entries of a transaction go in together.

        `personal` maps a field name to (subject, value); only a salted digest enters the chain.
        """
        self._audit.append(
            PendingEntry(aggregate_type, str(aggregate_id), action, actor, data or {}, personal or {}, self.clock.now())
        )
