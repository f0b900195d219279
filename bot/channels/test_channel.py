"""The test channel: a small HTTP provider (see sandbox/test_provider.py) used by the suite and the demo.

It behaves like the real providers where the relay cares: 2xx with a message id, 429/5xx transient,
4xx permanent, and an idempotency key honoured only when the outbox row carries one.
"""

from __future__ import annotations

import aiohttp

from bot.channels.base import Delivered, OutboundMessage, PermanentError, TransientError, read
from cards.outbound import Channel, TestMessage


class TestChannel:
    name = Channel.TEST
    __test__ = False  # not a pytest class

    def __init__(self, http: aiohttp.ClientSession, base_url: str) -> None:
        self.http = http
        self.base_url = base_url.rstrip("/")

    async def send(self, message: OutboundMessage) -> Delivered:
        test = read(TestMessage, message)
        body = {"recipient": test.recipient, "payload": test.to_payload(), "key": test.idempotency_key}
        try:
            async with self.http.post(f"{self.base_url}/send", json=body) as response:
                data = await response.json(content_type=None)
                status = response.status
                retry_after = response.headers.get("Retry-After")
        except (aiohttp.ClientError, TimeoutError) as exc:
            raise TransientError(f"test provider unreachable: {exc!r}") from exc
        if status == 200:
            return Delivered(provider_message_id=str(data["message_id"]))
        reason = f"{status} {data.get('error', '')}: {data.get('message', '')}"
        if status == 429 or status >= 500:
            raise TransientError(reason, retry_after=float(retry_after) if retry_after else None)
        raise PermanentError(reason)
