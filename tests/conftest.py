"""Test fixtures: two backends (embedded SQLite + in-process Redis; PostgreSQL + Redis), a frozen
clock, and a ban on every non-loopback connection."""

from __future__ import annotations

import asyncio
import ipaddress
import os
import shutil
import socket
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.bootstrap import Container, build_container
from bot.settings import Settings
from handlers.clock import ManualClock
from store.base import Base
from store.db import create_engine
from store.migrate import upgrade

CI = os.environ.get("CI") == "true"
PG_URL = os.environ.get("KEZHUAN_TEST_DATABASE_URL") or (
    "postgresql+asyncpg://postgres@127.0.0.1:5432/test" if CI else None
)
REDIS_URL = os.environ.get("KEZHUAN_TEST_REDIS_URL") or ("redis://127.0.0.1:6379/0" if CI else None)


# --- no network -------------------------------------------------------------------------------

_real_connect = socket.socket.connect
_real_connect_ex = socket.socket.connect_ex


def _is_local(address: Any) -> bool:
    if isinstance(address, str | bytes):  # unix socket path
        return True
    host = address[0]
    if host in ("localhost",):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _guarded_connect(self: socket.socket, address: Any) -> None:
    if not _is_local(address):
        raise ConnectionRefusedError(f"tests may not connect to {address!r}: only loopback is allowed")
    _real_connect(self, address)


def _guarded_connect_ex(self: socket.socket, address: Any) -> int:
    if not _is_local(address):
        raise ConnectionRefusedError(f"tests may not connect to {address!r}: only loopback is allowed")
    return _real_connect_ex(self, address)


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _guarded_connect)
    monkeypatch.setattr(socket.socket, "connect_ex", _guarded_connect_ex)
    for name in list(os.environ):
        if name.startswith("KEZHUAN_") and not name.startswith("KEZHUAN_TEST_"):
            monkeypatch.delenv(name)


# --- backends ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backend:
    name: str
    database_url: str
    redis_url: str | None


class _Databases:
    """One migrated template per backend per session; each test gets a clean copy."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.sqlite_template: Path | None = None
        self.pg_url: str | None = None

    async def sqlite_copy(self, dest: Path) -> str:
        if self.sqlite_template is None:
            template = self.root / "template.db"
            engine = create_engine(f"sqlite+aiosqlite:///{template}")
            await upgrade(engine)
            await engine.dispose()
            self.sqlite_template = template
        shutil.copy(self.sqlite_template, dest)
        return f"sqlite+aiosqlite:///{dest}"

    async def postgres(self) -> str:
        assert PG_URL is not None
        if self.pg_url is None:
            name = f"kz_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
            admin = create_engine(PG_URL)
            try:
                async with admin.connect() as conn:
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
                    await conn.execute(text(f'CREATE DATABASE "{name}"'))
            except Exception as exc:
                raise RuntimeError(f"PostgreSQL at {PG_URL} is required here and unreachable: {exc}") from exc
            finally:
                await admin.dispose()
            url = make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
            engine = create_engine(url)
            await upgrade(engine)
            await engine.dispose()
            self.pg_url = url
        engine = create_engine(self.pg_url)
        tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
        async with engine.begin() as conn:
            await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        await engine.dispose()
        return self.pg_url

    async def drop(self) -> None:
        if self.pg_url is None or PG_URL is None:
            return
        name = make_url(self.pg_url).database
        admin = create_engine(PG_URL)
        async with admin.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        await admin.dispose()


@pytest.fixture(scope="session")
def _databases(tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Databases]:
    databases = _Databases(tmp_path_factory.mktemp("db"))
    yield databases
    asyncio.run(databases.drop())


def _require_redis(url: str) -> None:
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except Exception as exc:
        raise RuntimeError(f"Redis at {url} is required here and unreachable: {exc}") from exc


@pytest.fixture(params=["embedded", "production"])
async def backend(request: pytest.FixtureRequest, _databases: _Databases, tmp_path: Path) -> Backend:
    if request.param == "embedded":
        return Backend("embedded", await _databases.sqlite_copy(tmp_path / "kezhuan.db"), None)
    if PG_URL is None or REDIS_URL is None:
        pytest.skip("set KEZHUAN_TEST_DATABASE_URL and KEZHUAN_TEST_REDIS_URL (CI=true sets both)")
    _require_redis(REDIS_URL)
    return Backend("production", await _databases.postgres(), REDIS_URL)


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def settings(backend: Backend, tmp_path: Path) -> Settings:
    return Settings(
        environment=f"test-{uuid.uuid4().hex[:8]}",
        database_url=backend.database_url,
        redis_url=backend.redis_url,
        data_dir=tmp_path / "data",
        log_json=False,
        audit={"anchor_path": tmp_path / "anchor.json"},
        outbox={
            "backoff_base_seconds": 0.01,
            "poll_interval_seconds": 0.02,
            "lease_seconds": 20.0,
            "send_timeout_seconds": 8.0,
        },
    )


@pytest.fixture
async def container(settings: Settings, clock: ManualClock) -> AsyncIterator[Container]:
    built = await build_container(settings, clock=clock)
    yield built
    await built.aclose()
