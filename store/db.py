"""Engine and session factory for SQLite (embedded default) and PostgreSQL (production)."""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Insert, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from store.base import Base, table_of


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def insert_new(session: AsyncSession, model: type[Base]) -> Insert:
    """`INSERT … ON CONFLICT DO NOTHING RETURNING id` into the model's table, parameters given at execution:
    the new row's id, or None when a unique key says it exists. Built once per backend and table (both
    dialects spell it alike), since a card press runs several on its ack path."""
    return _insert_new(session.get_bind().dialect.name, model)


@cache
def _insert_new(dialect: str, model: type[Base]) -> Insert:
    table = table_of(model)
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    return insert(table).on_conflict_do_nothing().returning(table.c.id)


DEFAULT_POOL_SIZE = 10
# A PostgreSQL that does not answer a connect fails it after this long (asyncpg waits 60 s by default): the
# request is then answered 503 "try again" while a caller still waits for it.
CONNECT_TIMEOUT_SECONDS = 10


def create_engine(url: str, *, echo: bool = False, pool_size: int = DEFAULT_POOL_SIZE) -> AsyncEngine:
    """`pool_size` connections stay open between bursts (as many again may open for a burst beyond them): a
    Stream worker answers about ten card presses at once, and a connection opened for a press costs it the
    connect, the driver's type set-up and a first PREPARE of every statement."""
    if not is_sqlite(url):
        return create_async_engine(
            url,
            echo=echo,
            pool_pre_ping=True,
            pool_size=pool_size,
            max_overflow=pool_size,
            connect_args={"timeout": CONNECT_TIMEOUT_SECONDS},
        )
    database = make_url(url).database
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
    _serialise_sqlite_writers(engine)
    return engine


async def warm_pool(engine: AsyncEngine, connections: int) -> None:
    """Open the pool's connections at start-up, together, so the first requests after a deploy or a restart
    do not each wait for a new one. SQLite has no server to connect to."""
    if engine.dialect.name == "sqlite":
        return
    async with AsyncExitStack() as stack:
        # All at once: a connection checked out stays out until the stack closes, so each is a new one.
        await asyncio.gather(*(stack.enter_async_context(engine.connect()) for _ in range(connections)))


def _serialise_sqlite_writers(engine: AsyncEngine) -> None:
    """Take SQLite's write lock at BEGIN so concurrent processes queue on busy_timeout
    instead of failing on a lock upgrade; WAL keeps readers going meanwhile."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
