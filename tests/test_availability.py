"""Which exceptions mean "the database or Redis cannot be reached" (503, ask again) and which are bugs (500)."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest
import redis.exceptions
import sqlalchemy.exc
from redis.asyncio import Redis
from sqlalchemy import text

from bot.availability import dependency_unavailable
from handlers.errors import DependencyUnavailable
from store.db import create_engine
from tests.conftest import Backend


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port  # nothing listens on it any more: a connect is refused


def _dependency(exc: BaseException) -> str | None:
    found = dependency_unavailable(exc)
    return None if found is None else found.dependency


async def test_a_refused_postgres_connect_is_the_database_being_unavailable() -> None:
    engine = create_engine(f"postgresql+asyncpg://postgres@127.0.0.1:{_closed_port()}/test")
    try:
        with pytest.raises(OSError) as raised:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    found = dependency_unavailable(raised.value)
    assert found is not None and found.dependency == "database"
    assert (found.status, found.code, found.message, found.retry_after) == (
        503,
        "dependency_unavailable",
        "服务繁忙，请稍后重试",
        5,
    )


async def test_an_unreachable_redis_is_redis_being_unavailable() -> None:
    client = Redis(host="127.0.0.1", port=_closed_port(), socket_connect_timeout=1)
    try:
        with pytest.raises(redis.exceptions.ConnectionError) as raised:
            await client.ping()
    finally:
        await client.aclose()
    assert _dependency(raised.value) == "redis"
    assert _dependency(redis.exceptions.TimeoutError("Timeout reading from socket")) == "redis"


def test_pool_exhaustion_and_a_connection_lost_under_a_statement_count() -> None:
    assert _dependency(sqlalchemy.exc.TimeoutError("QueuePool limit of size 10 overflow 10 reached")) == "database"
    lost = sqlalchemy.exc.InterfaceError("SELECT 1", {}, Exception("connection is closed"), connection_invalidated=True)
    assert _dependency(lost) == "database"
    # Wrapped further by our own code, the cause still says what happened.
    try:
        raise RuntimeError("could not load the page") from lost
    except RuntimeError as wrapped:
        assert _dependency(wrapped) == "database"
    assert _dependency(DependencyUnavailable("redis")) == "redis"


async def test_genuine_bugs_stay_bugs(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'bugs.db'}")
    try:
        with pytest.raises(sqlalchemy.exc.OperationalError) as raised:
            async with engine.connect() as conn:
                await conn.execute(text("SELECT * FROM no_such_table"))
    finally:
        await engine.dispose()
    assert _dependency(raised.value) is None  # a statement error raised inside SQLAlchemy, not an outage
    assert _dependency(sqlalchemy.exc.IntegrityError("INSERT", {}, Exception("duplicate key"))) is None
    assert _dependency(redis.exceptions.ResponseError("ERR Error running script")) is None
    assert _dependency(redis.exceptions.LockError("Unable to acquire lock within the time specified")) is None
    assert _dependency(ConnectionRefusedError("raised by our own code, not by a database driver")) is None
    assert _dependency(KeyError("status")) is None
    # An error raised while handling an outage, without `from`, is a bug of its own.
    try:
        try:
            raise redis.exceptions.ConnectionError("Connection refused")
        except redis.exceptions.ConnectionError:
            raise AttributeError("'NoneType' object has no attribute 'ttl'")  # noqa: B904
    except AttributeError as bug:
        assert _dependency(bug) is None


async def test_a_terminated_postgres_backend_is_the_database_being_unavailable(backend: Backend) -> None:
    if backend.name != "production":
        pytest.skip("needs PostgreSQL")
    engine = create_engine(backend.database_url)
    try:
        async with engine.connect() as victim, engine.connect() as admin:
            pid = (await victim.execute(text("SELECT pg_backend_pid()"))).scalar_one()
            await admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(sqlalchemy.exc.DBAPIError) as raised:
                await victim.execute(text("SELECT 1"))
    finally:
        await engine.dispose()
    assert _dependency(raised.value) == "database"
