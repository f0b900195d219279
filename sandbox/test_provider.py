"""A fake provider behind the test channel, with fault injection.

POST /send {recipient, payload, key} → 200 {message_id}; a key seen before returns the first id
(an idempotent platform); recipients starting with "invalid" or listed as rejected → 400;
injected faults → 503; POST /faults sets transient_rate, delay_seconds and rejected.
"""

from __future__ import annotations

import asyncio
import itertools
import random
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from cards.outbound import Channel
from handlers.clock import Clock
from sandbox.state import SandboxState


@dataclass
class TestProviderState:
    __test__ = False
    transient_rate: float = 0.0
    delay_seconds: float = 0.0
    # Recipients refused as unknown until removed again (a fixable permanent error).
    rejected: set[str] = field(default_factory=set)
    rng: random.Random = field(default_factory=lambda: random.Random(7))
    deliveries: list[dict[str, Any]] = field(default_factory=list)
    by_key: dict[str, str] = field(default_factory=dict)
    ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))


def _error(status: int, code: str, message: str) -> web.Response:
    return web.json_response({"error": code, "message": message}, status=status)


def create_test_provider(
    state: TestProviderState, clock: Clock, sandbox: SandboxState | None = None
) -> web.Application:
    app = web.Application()

    async def send(request: web.Request) -> web.Response:
        body = await request.json()
        recipient = str(body.get("recipient", ""))
        if state.delay_seconds:
            await asyncio.sleep(state.delay_seconds)
        if state.rng.random() < state.transient_rate:
            return _error(503, "unavailable", "injected transient failure")
        if not recipient or recipient.startswith("invalid") or recipient in state.rejected:
            return _error(400, "invalid_recipient", f"no such recipient: {recipient}")
        key = body.get("key")
        if key and key in state.by_key:
            return web.json_response({"message_id": state.by_key[key], "duplicate": True})
        message_id = f"t-{next(state.ids)}"
        if key:
            state.by_key[key] = message_id
        payload = body.get("payload") or {}
        state.deliveries.append({"message_id": message_id, "recipient": recipient, "payload": payload, "key": key})
        if sandbox is not None:
            sandbox.deliver(
                recipient,
                channel=Channel.TEST,
                title=str(payload.get("title", "测试消息")),
                body=str(payload.get("text", "")),
                at=clock.now(),
            )
        return web.json_response({"message_id": message_id})

    async def deliveries(_request: web.Request) -> web.Response:
        return web.json_response({"deliveries": state.deliveries})

    async def faults(request: web.Request) -> web.Response:
        body = await request.json()
        state.transient_rate = float(body.get("transient_rate", state.transient_rate))
        state.delay_seconds = float(body.get("delay_seconds", state.delay_seconds))
        state.rejected = set(body.get("rejected", state.rejected))
        return web.json_response(
            {
                "transient_rate": state.transient_rate,
                "delay_seconds": state.delay_seconds,
                "rejected": sorted(state.rejected),
            }
        )

    app.router.add_post("/send", send)
    app.router.add_get("/deliveries", deliveries)
    app.router.add_post("/faults", faults)
    return app
