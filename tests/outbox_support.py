"""Shared pieces for outbox tests: a served test provider and relay processes."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp.test_utils import TestServer

from bot.settings import Settings
from handlers.clock import Clock
from sandbox.test_provider import TestProviderState, create_test_provider

ROOT = Path(__file__).resolve().parents[1]


@asynccontextmanager
async def served_provider(state: TestProviderState, clock: Clock) -> AsyncIterator[str]:
    server = TestServer(create_test_provider(state, clock), host="127.0.0.1")
    await server.start_server()
    try:
        yield str(server.make_url("")).rstrip("/")
    finally:
        await server.close()


def delivered_counts(state: TestProviderState) -> Counter[int]:
    return Counter(int(d["payload"]["n"]) for d in state.deliveries)


class RelayProcess:
    """`kezhuan serve --role relay` in its own process, configured only through the environment."""

    def __init__(self, settings: Settings, provider_url: str, clock: Clock, *, lease_seconds: float = 2.0) -> None:
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith("KEZHUAN_")},
            "PYTHONPATH": str(ROOT),
            "KEZHUAN_ENVIRONMENT": settings.environment,
            "KEZHUAN_DATABASE_URL": settings.database_url,
            "KEZHUAN_TEST_CHANNEL_URL": provider_url,
            "KEZHUAN_LOG_JSON": "false",
            "KEZHUAN_LOG_LEVEL": "WARNING",
            "KEZHUAN_DATA_DIR": str(settings.data_dir),
            "KEZHUAN_AUDIT__ANCHOR_PATH": str(settings.audit.anchor_path),
            "KEZHUAN_OUTBOX__LEASE_SECONDS": str(lease_seconds),
            "KEZHUAN_OUTBOX__SEND_TIMEOUT_SECONDS": str(lease_seconds / 2.5),
            "KEZHUAN_OUTBOX__POLL_INTERVAL_SECONDS": "0.05",
            "KEZHUAN_OUTBOX__BACKOFF_BASE_SECONDS": "0.01",
            "KEZHUAN_OUTBOX__BATCH_SIZE": "10",
            # The process's clock starts at the test's "now" and runs on in real time from there.
            "KEZHUAN_CLOCK_START": clock.now().isoformat(),
        }
        if settings.redis_url:
            self.env["KEZHUAN_REDIS_URL"] = settings.redis_url
        self.process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "serve",
            "--role",
            "relay",
            cwd=ROOT,
            env=self.env,
            stderr=asyncio.subprocess.PIPE,
        )

    async def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        await self.process.wait()

    async def stop(self) -> str:
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGTERM)
        _out, err = await asyncio.wait_for(self.process.communicate(), timeout=30)
        return err.decode("utf-8", "replace")


async def cli(settings: Settings, *args: str, clock: Clock) -> tuple[int, str]:
    """Run `kezhuan ARGS` in a subprocess on the test's database, its clock starting at the test's "now"
    (`KEZHUAN_CLOCK_START`), never at the machine's date."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("KEZHUAN_")},
        "PYTHONPATH": str(ROOT),
        "KEZHUAN_ENVIRONMENT": settings.environment,
        "KEZHUAN_DATABASE_URL": settings.database_url,
        "KEZHUAN_LOG_JSON": "false",
        "KEZHUAN_AUDIT__ANCHOR_PATH": str(settings.audit.anchor_path),
        "KEZHUAN_DATA_DIR": str(settings.data_dir),
    }
    if settings.redis_url:
        env["KEZHUAN_REDIS_URL"] = settings.redis_url
    env["KEZHUAN_CLOCK_START"] = clock.now().isoformat()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.cli",
        *args,
        cwd=ROOT,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode("utf-8", "replace")
