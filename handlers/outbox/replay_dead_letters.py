"""Put dead letters back in the queue (after the cause was fixed), from the CLI."""

from __future__ import annotations

from dataclasses import dataclass

from store.outbox import replay_dead
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ReplayDeadLetters:
    ids: tuple[int, ...] = ()
    channel: str | None = None
    everything: bool = False


async def replay_dead_letters(cmd: ReplayDeadLetters, uow: UnitOfWork) -> list[int]:
    if not cmd.ids and not cmd.everything and cmd.channel is None:
        return []
    async with uow:
        replayed = await replay_dead(uow.session, ids=cmd.ids or None, channel=cmd.channel, now=uow.clock.now())
        await uow.commit()
    return replayed
