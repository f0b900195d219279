"""Every instance may run the scheduler; a lease in redis lets one of them run each job."""

from __future__ import annotations

import logging
import socket
import uuid
from collections.abc import Awaitable, Callable

from bot.coordination import Coordination

log = logging.getLogger(__name__)
HOLDER = f"{socket.gethostname()}-{uuid.uuid4().hex[:8]}"


def leased(
    coordination: Coordination, name: str, job: Callable[[], Awaitable[object]], *, ttl_seconds: float
) -> Callable[[], Awaitable[None]]:
    async def run() -> None:
        if not await coordination.acquire_lease(f"job:{name}", HOLDER, ttl_seconds=ttl_seconds):
            return
        try:
            await job()
        except Exception:
            log.exception("scheduled job failed", extra={"job": name})

    return run
