"""Outbox relay throughput, end to end: enqueue → claim → test channel over HTTP → provider → settle.

A producer writes N messages through units of work (as use cases do, `--per-tx` messages per
transaction) while one or two `Relay` instances deliver them through the test channel to the sandbox
test provider, served on an ephemeral loopback port. The channel's rate limit is raised out of the way
(`--per-second` puts it back). Everything runs in this one process, the provider included, so the RSS
figure covers all of it.

    .venv/bin/python bench/outbox_relay.py --quick                      # SQLite, in-process Redis, < 1 min
    .venv/bin/python bench/outbox_relay.py --messages 20000 --relays 2
    .venv/bin/python bench/outbox_relay.py --database-url postgresql+asyncpg://postgres@127.0.0.1:5432/test \\
        --redis-url redis://127.0.0.1:6379/0

With a PostgreSQL URL the bench creates a scratch database on that server, migrates it and drops it at
the end; the database named in the URL is only used to connect. SQLite runs in a temporary directory.
Redis keys live under a unique namespace and are deleted afterwards.

Progress lines go to stdout; the last line is one JSON object: messages, relays, backend, seconds
(first enqueue to last settled send), msgs_per_s, p50_ms / p99_ms (enqueue → sent, per message) and
peak_rss_mb, plus the settings that shaped the run.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import logging
import math
import resource
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from aiohttp import web
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from bot.bootstrap import Container, build_container
from bot.relay import Relay
from bot.settings import ChannelLimits, Settings
from cards.outbound import Channel, TestMessage
from handlers.clock import Clock, SystemClock
from sandbox.test_provider import TestProviderState, create_test_provider
from store.db import create_engine, is_sqlite
from store.migrate import upgrade
from store.models.outbox import OutboxMessage, OutboxStatus


@dataclass(frozen=True)
class Options:
    messages: int
    relays: int
    per_tx: int
    producers: int
    prefill: bool
    database_url: str | None
    redis_url: str | None
    per_second: float
    batch_size: int
    concurrency: int
    poll_interval: float
    timeout: float


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--relays", type=int, default=1, choices=(1, 2))
    parser.add_argument("--per-tx", type=int, default=1, help="messages written per enqueue transaction")
    parser.add_argument("--producers", type=int, default=4, help="concurrent writers, like concurrent requests")
    parser.add_argument("--prefill", action="store_true", help="enqueue everything first, then time the drain")
    parser.add_argument("--database-url", help="PostgreSQL server to create a scratch database on (default: SQLite)")
    parser.add_argument("--redis-url", help="Redis for coordination (default: in-process)")
    parser.add_argument("--per-second", type=float, default=1_000_000.0, help="test channel rate limit")
    parser.add_argument("--batch-size", type=int, default=None, help="relay claim batch (default: settings)")
    parser.add_argument("--concurrency", type=int, default=None, help="sends in flight per relay (default: settings)")
    parser.add_argument("--poll-interval", type=float, default=0.05, help="relay idle poll, seconds")
    parser.add_argument("--timeout", type=float, default=900.0, help="give up after this many seconds")
    parser.add_argument("--quick", action="store_true", help="1000 messages: a smoke run well under a minute")
    args = parser.parse_args(argv)
    defaults = Settings().outbox
    return Options(
        messages=1000 if args.quick else args.messages,
        relays=args.relays,
        per_tx=args.per_tx,
        producers=args.producers,
        prefill=args.prefill,
        database_url=args.database_url,
        redis_url=args.redis_url,
        per_second=args.per_second,
        batch_size=args.batch_size or defaults.batch_size,
        concurrency=args.concurrency or defaults.concurrency,
        poll_interval=args.poll_interval,
        timeout=args.timeout,
    )


def emit(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


# --- scratch database and provider ----------------------------------------------------------------


@contextlib.asynccontextmanager
async def scratch_database(url: str | None) -> AsyncIterator[str]:
    """A migrated, empty database that disappears afterwards; never the one named in the URL."""
    if url is None or is_sqlite(url):
        with tempfile.TemporaryDirectory(prefix="kz-bench-") as tmp:
            scratch = f"sqlite+aiosqlite:///{Path(tmp) / 'bench.db'}"
            await _migrate(scratch)
            yield scratch
        return
    name = f"kz_bench_{uuid.uuid4().hex[:10]}"
    await _admin(url, f'CREATE DATABASE "{name}"')
    try:
        scratch = make_url(url).set(database=name).render_as_string(hide_password=False)
        await _migrate(scratch)
        yield scratch
    finally:
        await _admin(url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _admin(url: str, statement: str) -> None:
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            await conn.execution_options(isolation_level="AUTOCOMMIT")
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


async def _migrate(url: str) -> None:
    engine = create_engine(url)
    try:
        await upgrade(engine)
    finally:
        await engine.dispose()


@contextlib.asynccontextmanager
async def serve_test_provider(state: TestProviderState, clock: Clock) -> AsyncIterator[str]:
    """The sandbox test provider on an ephemeral loopback port; yields its base URL."""
    runner = web.AppRunner(create_test_provider(state, clock), access_log=None)
    await runner.setup()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # bound here so the port is known before the site starts
    try:
        await web.SockSite(runner, sock).start()
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        await runner.cleanup()
        sock.close()


# --- the run --------------------------------------------------------------------------------------


def build_settings(options: Options, database_url: str, provider_url: str, data_dir: Path) -> Settings:
    return Settings(
        environment=f"bench-{uuid.uuid4().hex[:8]}",
        database_url=database_url,
        redis_url=options.redis_url,
        data_dir=data_dir,
        test_channel_url=provider_url,
        log_json=False,
        audit={"anchor_path": data_dir / "anchor.json"},
        outbox={
            "batch_size": options.batch_size,
            "concurrency": options.concurrency,
            "poll_interval_seconds": options.poll_interval,
            "limits": {
                Channel.TEST: ChannelLimits(per_second=options.per_second, daily_cap=10 * options.messages + 1000)
            },
        },
    )


async def produce(container: Container, options: Options) -> float:
    """Write every message through units of work from concurrent writers; returns how long it took."""
    numbers = iter(range(1, options.messages + 1))

    async def writer() -> None:
        while batch := [n for _, n in zip(range(options.per_tx), numbers, strict=False)]:
            async with container.uow() as uow:
                for n in batch:
                    await uow.send(
                        TestMessage(
                            recipient=f"user-{n % 200}",
                            body={"title": "基准消息", "text": f"第 {n} 条"},
                            source=f"bench:{n}",
                        )
                    )
                await uow.commit()

    started = time.perf_counter()
    await asyncio.gather(*(writer() for _ in range(options.producers)))
    return time.perf_counter() - started


async def count_sent(container: Container) -> int:
    async with container.sessionmaker() as session:
        query = select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == OutboxStatus.SENT)
        return int(await session.scalar(query) or 0)


async def latencies_ms(container: Container, *, since: datetime | None) -> tuple[list[float], datetime | None]:
    async with container.sessionmaker() as session:
        rows = (
            await session.execute(
                select(OutboxMessage.created_at, OutboxMessage.sent_at).where(OutboxMessage.status == OutboxStatus.SENT)
            )
        ).all()
    sent_times = [sent for _, sent in rows if sent is not None]
    values = sorted(
        (sent - max(created, since or created)).total_seconds() * 1000.0 for created, sent in rows if sent is not None
    )
    return values, max(sent_times, default=None)


def percentile(sorted_values: list[float], fraction: float) -> float:
    """Nearest rank: the smallest value with at least `fraction` of the values at or below it."""
    if not sorted_values:
        return math.nan
    return sorted_values[max(0, math.ceil(fraction * len(sorted_values)) - 1)]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


async def run(options: Options) -> dict[str, Any]:
    backend = "sqlite" if options.database_url is None or is_sqlite(options.database_url) else "postgresql"
    state = TestProviderState()
    async with (
        scratch_database(options.database_url) as database_url,
        serve_test_provider(state, SystemClock()) as provider_url,
    ):
        with tempfile.TemporaryDirectory(prefix="kz-bench-data-") as data_dir:
            settings = build_settings(options, database_url, provider_url, Path(data_dir))
            container = await build_container(settings)
            try:
                return await _measure(container, options, backend, state)
            finally:
                await _forget_redis_keys(container)
                await container.aclose()


async def _measure(container: Container, options: Options, backend: str, state: TestProviderState) -> dict[str, Any]:
    emit(
        f"outbox relay bench: {options.messages} messages, {options.relays} relay(s), {backend}, "
        f"redis={'external' if options.redis_url else 'in-process'}, "
        f"{options.producers} writer(s) × {options.per_tx}/tx, "
        f"{'prefilled, ' if options.prefill else ''}"
        f"batch {options.batch_size}, concurrency {options.concurrency}, limit {options.per_second:g}/s"
    )
    stop = asyncio.Event()
    relays = [
        Relay(
            sessionmaker=container.sessionmaker,
            channels=container.channels,
            coordination=container.coordination,
            clock=container.clock,
            settings=container.settings.outbox,
            timezone=container.timezone,
            relay_id=f"bench-relay-{n}",
        )
        for n in range(options.relays)
    ]
    producer = asyncio.create_task(produce(container, options), name="producer")
    if options.prefill:
        await asyncio.wait([producer])
        emit(f"  prefilled {options.messages} messages in {producer.result():.2f}s")
    # With --prefill the clock starts at the drain and latencies count from it, not from the enqueue.
    started_at = container.clock.now()
    started, cpu_started = time.perf_counter(), time.process_time()
    tasks = [asyncio.create_task(relay.run(stop), name=relay.relay_id) for relay in relays]
    sent, last_report = 0, started
    try:
        while sent < options.messages:
            await asyncio.sleep(0.25)
            if producer.done() and producer.exception() is not None:
                raise RuntimeError("the producer failed") from producer.exception()
            sent = await count_sent(container)
            now = time.perf_counter()
            if now - last_report >= 1.0:
                last_report = now
                elapsed = now - started
                emit(
                    f"  {elapsed:6.1f}s  sent {sent}/{options.messages}  ({sent / elapsed:,.0f} msg/s)  "
                    f"provider saw {len(state.deliveries)}"
                )
            if now - started > options.timeout:
                emit(f"  timed out after {options.timeout:g}s with {sent}/{options.messages} sent")
                break
        enqueue_seconds = await producer
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
        if not producer.done():
            producer.cancel()
    cpu_seconds = time.process_time() - cpu_started
    values, last_sent = await latencies_ms(container, since=started_at if options.prefill else None)
    seconds = (last_sent - started_at).total_seconds() if last_sent else time.perf_counter() - started
    emit(
        f"  done: {len(values)} sent in {seconds:.2f}s; enqueue took {enqueue_seconds:.2f}s; "
        f"provider saw {len(state.deliveries)} (duplicates: {len(state.deliveries) - len(values)})"
    )
    return {
        "messages": options.messages,
        "relays": options.relays,
        "backend": backend,
        "seconds": round(seconds, 3),
        "msgs_per_s": round(len(values) / seconds, 1) if seconds > 0 else None,
        "p50_ms": round(percentile(values, 0.50), 1),
        "p99_ms": round(percentile(values, 0.99), 1),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        # This process's CPU (relay, producer and provider together): steadier than wall time on a busy host.
        "cpu_ms_per_msg": round(cpu_seconds * 1000.0 / max(1, len(values)), 2),
        "sent": len(values),
        "enqueue_s": round(enqueue_seconds, 3),
        "per_tx": options.per_tx,
        "producers": options.producers,
        "prefill": options.prefill,
        "redis": "external" if options.redis_url else "in-process",
        "batch_size": options.batch_size,
        "concurrency": options.concurrency,
        "channel_limit_per_s": options.per_second,
    }


async def _forget_redis_keys(container: Container) -> None:
    if container.settings.redis_url is None:
        return
    redis = container.coordination.redis
    keys = [key async for key in redis.scan_iter(match=f"{container.coordination.namespace}:*")]
    if keys:
        await redis.delete(*keys)


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)
    options = parse_args(argv)
    result = asyncio.run(run(options))
    emit(json.dumps(result, ensure_ascii=False))
    return 0 if result["sent"] == options.messages else 1


if __name__ == "__main__":
    sys.exit(main())
