"""One injectable clock feeds every timer, so tests move time instead of waiting for it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    async def sleep(self, seconds: float) -> None: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class OffsetClock:
    """The system clock shifted so that it read `start` when built; it moves on in real time from there.

    What `KEZHUAN_CLOCK_START` gives every process (the CLI, the jobs, the service): a command run on behalf of
    a test or a rehearsal sees the same "now" as the process that asked for it, instead of the machine's date."""

    def __init__(self, start: datetime, *, system: SystemClock | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock's start must be timezone-aware")
        self._system = system or SystemClock()
        self._offset = start.astimezone(UTC) - self._system.now()

    def now(self) -> datetime:
        return self._system.now() + self._offset

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


class ManualClock:
    """A clock that only moves when told to; `sleep` advances it instead of waiting."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 11, 23, 8, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, seconds: float) -> None:
        self._now += timedelta(seconds=seconds)

    def set(self, moment: datetime) -> None:
        self._now = moment.astimezone(UTC)

    async def sleep(self, seconds: float) -> None:
        self.advance(seconds)
        await asyncio.sleep(0)
