"""Two requests racing past the same checks: the loser's unique constraint fires at flush.

The whole transaction is tried again, so its checks now see the winner's row and give the answer a
sequential request would get (a second expert link, or "already exists"). Only a clash that outlives
the retries becomes a generic Conflict.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError

from handlers.errors import Conflict

T = TypeVar("T")
ATTEMPTS = 3


async def retry_on_clash(attempt: Callable[[], Awaitable[T]], message: str = "该记录已存在，请刷新后查看") -> T:
    for n in range(1, ATTEMPTS + 1):
        try:
            return await attempt()
        except IntegrityError as exc:
            if n == ATTEMPTS:
                raise Conflict(message, code="duplicate") from exc
    raise AssertionError("unreachable")
