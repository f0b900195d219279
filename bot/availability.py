"""Which failures mean "the database or Redis cannot be reached now" — answered 503 with Retry-After (REST),
no ack (DingTalk) or 503 (WeChat), so the caller or the platform asks again — and which are our own bugs (500).

Only the drivers' connection-level errors count: a refused or reset connection, a connect or socket timeout,
a pool with no connection to give, a server that is starting, shutting down or full. A failing statement, a
constraint, a Lua script error or SQLite's busy lock stay what they are.
"""

from __future__ import annotations

import logging
from types import TracebackType

import redis.exceptions
import sqlalchemy.exc

from bot import metrics
from handlers.errors import DependencyUnavailable

log = logging.getLogger(__name__)

DATABASE = "database"
REDIS = "redis"

# SQLSTATEs of a server that cannot take us now: connection exceptions (class 08), admin/crash shutdown and
# "cannot connect now" (starting up or in recovery), too many connections.
_UNAVAILABLE_SQLSTATES = ("08", "57P01", "57P02", "57P03", "53300")
# Packages whose raw OSErrors (a refused connect, a DNS failure, a connect timeout) name the database.
_DATABASE_PACKAGES = ("asyncpg", "sqlalchemy")


def dependency_unavailable(exc: BaseException) -> DependencyUnavailable | None:
    """The 503 an exception stands for, or None when it is not a dependency being unreachable.

    Follows `raise … from` links (SQLAlchemy wraps the driver's error, the asyncpg adapter wraps asyncpg's)
    but not implicit contexts: an error raised while handling an outage is a bug of its own."""
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        dependency = _dependency(current)
        if dependency is not None:
            return current if isinstance(current, DependencyUnavailable) else DependencyUnavailable(dependency)
        current = current.__cause__
    return None


def _dependency(exc: BaseException) -> str | None:
    if isinstance(exc, DependencyUnavailable):
        return exc.dependency
    if isinstance(exc, redis.exceptions.ConnectionError | redis.exceptions.TimeoutError):
        return REDIS
    if isinstance(exc, sqlalchemy.exc.TimeoutError):  # QueuePool limit reached: no connection within pool_timeout
        return DATABASE
    if isinstance(exc, sqlalchemy.exc.DBAPIError) and exc.connection_invalidated:
        return DATABASE  # the connection died under a statement (reset, terminated backend)
    sqlstate = getattr(exc, "sqlstate", None)
    if isinstance(sqlstate, str) and sqlstate.startswith(_UNAVAILABLE_SQLSTATES) and _raised_in_database_driver(exc):
        return DATABASE
    if isinstance(exc, OSError) and _raised_in_database_driver(exc):
        return DATABASE  # asyncpg's connect: refused, unreachable, DNS, connect timeout
    return None


def _raised_in_database_driver(exc: BaseException) -> bool:
    tb: TracebackType | None = exc.__traceback__
    while tb is not None:
        module = tb.tb_frame.f_globals.get("__name__", "")
        if isinstance(module, str) and module.split(".", 1)[0] in _DATABASE_PACKAGES:
            return True
        tb = tb.tb_next
    return False


def count_unavailable(
    unavailable: DependencyUnavailable, channel: str, cause: BaseException, **context: object
) -> None:
    """The metric and one warning line (no traceback: an outage is not a bug) for an answer "try again"."""
    metrics.dependency_unavailable.labels(unavailable.dependency, channel).inc()
    log.warning(
        "%s unavailable; asked the caller to retry",
        unavailable.dependency,
        extra={
            "dependency": unavailable.dependency,
            "channel": channel,
            "error": f"{type(cause).__name__}: {cause}",
            **context,
        },
    )
