"""`make run` in miniature: the service in sandbox mode delivers the demo card and a console press works."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import socket
import time
from typing import Any

import aiohttp

from bot.service import ROLES, serve
from bot.settings import Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def poll(http: aiohttp.ClientSession, url: str, ready: Any, *, within: float = 10.0) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with contextlib.suppress(aiohttp.ClientError):
            async with http.get(url) as response:
                body = await response.json()
                if found := ready(body):
                    return found
        await asyncio.sleep(0.05)
    raise AssertionError(f"nothing ready at {url}")


async def test_console_press_on_the_demo_card_round_trips(settings: Settings) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(
        update={"sandbox": True, "port": port, "test_channel_url": f"{base}/sandbox/test-provider"}
    )
    stop, started = asyncio.Event(), asyncio.Event()
    service = asyncio.create_task(serve(settings, ROLES, demo=True, stop=stop, started=started))
    try:
        await asyncio.wait_for(started.wait(), 10)
        assert gc.get_freeze_count() > 0  # the start-up heap is left out of full collections while serving
        async with aiohttp.ClientSession() as http:
            await poll(http, f"{base}/readyz", lambda b: b["checks"].get("dingtalk_stream") == "ok")
            card = await poll(
                http,
                f"{base}/sandbox/api/people/staff/inbox",
                lambda b: next((i for i in b["items"] if i["channel"] == "dingtalk.card"), None),
            )
            assert card["title"] == "科转 · 钉钉通道已接通" and "待确认" in card["body"]
            [button] = card["actions"]
            assert button["label"] == "确认收到"
            async with http.post(f"{base}/sandbox{button['url']}", json=button["body"]) as response:
                assert response.status == 200, await response.text()
            after = await poll(
                http,
                f"{base}/sandbox/api/people/staff/inbox",
                lambda b: next((i for i in b["items"] if i["id"] == card["id"]), None),
            )
            assert "已由张三确认收到" in after["body"] and after["actions"] == []
    finally:
        stop.set()
        await asyncio.wait_for(service, 15)
    assert gc.get_freeze_count() == 0  # and collected again once the service stopped
