"""Real-browser fixtures: the service in sandbox mode with the demo on a loopback port, and Debian's Chromium
driven by Playwright at a phone's size. Chromium is never downloaded: without /usr/bin/chromium the browser tests
skip with a message, and with CI=true they fail instead (.ci/run installs it).

Every page's last state is kept as a screenshot under var/screenshots/ (CI keeps that directory)."""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import aiohttp
import pytest

from bot.service import ROLES, serve
from bot.settings import Settings

CHROMIUM = os.environ.get("KEZHUAN_TEST_CHROMIUM", "/usr/bin/chromium")
SCREENSHOTS = Path(__file__).parents[2] / "var" / "screenshots"
PHONE = {"width": 375, "height": 667}
# The demo's "now": a Monday morning in Hangzhou (the service's clock starts here and moves on).
DEMO_START = datetime.fromisoformat("2026-11-23T09:00:00+08:00")
CHROMIUM_FLAGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-default-apps",
    "--no-first-run",
]


def chromium_or_skip() -> str:
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` runs the browser tests"
    if os.environ.get("CI") == "true":
        pytest.fail(message + " (mandatory with CI=true)")
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def demo_site(settings: Settings) -> AsyncIterator[str]:
    """`make run` in miniature: the service with every role and the demo data; yields its base URL."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    settings = settings.model_copy(
        update={
            "sandbox": True,
            "port": port,
            "test_channel_url": f"{base}/sandbox/test-provider",
            "clock_start": DEMO_START,
        }
    )
    stop, started = asyncio.Event(), asyncio.Event()
    service = asyncio.create_task(serve(settings, ROLES, demo=True, stop=stop, started=started))
    try:
        await asyncio.wait_for(started.wait(), 30)
        yield base
    finally:
        stop.set()
        await asyncio.wait_for(service, 60)  # generous: CI machines share their cores


def environment_without_libfaketime() -> dict[str, str | float | bool]:
    """Chromium's environment: CI's year-ahead run preloads libfaketime into this process, and Chromium needs no
    shifted clock (the demo service's clock starts at DEMO_START whatever the system says). Left in os.environ:
    libfaketime rereads FAKETIME from it, so removing it there would turn this process's clock back a year."""
    return {k: v for k, v in os.environ.items() if k != "LD_PRELOAD" and not k.startswith("FAKETIME")}


@pytest.fixture
async def browser() -> AsyncIterator[Any]:
    executable = chromium_or_skip()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=executable, args=CHROMIUM_FLAGS, env=environment_without_libfaketime()
        )
        try:
            yield launched
        finally:
            await launched.close()


async def phone(browser: Any, zone: str = "UTC") -> Any:
    """A new phone-sized page that may reach only loopback: nothing is downloaded from anywhere else. The phone's
    time zone is UTC unless told: the pages must show Beijing time whatever it is."""
    context = await browser.new_context(
        viewport=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True, locale="zh-CN", timezone_id=zone
    )

    async def loopback_only(route: Any) -> None:
        host = urlsplit(route.request.url).hostname
        if route.request.url.startswith("data:") or host in ("127.0.0.1", "localhost"):
            await route.continue_()
        else:
            await route.abort()

    await context.route("**/*", loopback_only)
    return await context.new_page()


async def keep_screenshot(page: Any, name: str, part: Any = None) -> Path:
    """The whole page, or only `part` (a locator), as var/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    if part is None:
        await page.screenshot(path=str(path), full_page=True)
    else:
        await part.screenshot(path=str(path))
    return path


async def api_json(base: str, method: str, path: str, token: str | None = None, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, f"{base}{path}", json=body, headers=headers) as response,
    ):
        assert response.status < 300, f"{method} {path}: {response.status} {await response.text()}"
        return None if response.status == 204 else await response.json()


async def dingtalk_session(base: str, userid: str) -> str:
    """What the micro-app does inside DingTalk, done directly: a 免登 code from the sandbox, then our sign-in."""
    code = (await api_json(base, "POST", "/sandbox/dingtalk/_fake/authcodes", body={"userId": userid}))["code"]
    return str((await api_json(base, "POST", "/api/v1/auth/dingtalk-login", body={"auth_code": code}))["token"])
