"""DingTalk's side of bench/card_callbacks.py, in a process of its own: the sandbox DingTalk (OpenAPI, Stream
gateway, the admin's phone) and the people pressing. In production DingTalk runs on its own servers; here it
runs in a separate OS process, so its CPU work (HTTP, WebSocket framing, card rendering, the load's clients)
is not counted in our service's event loop. The machine's two cores are still shared by both processes.

The bench drives it over loopback HTTP: `/_bench/cards` (how many review cards the admin has),
`/_bench/connections` (open Stream connections: one per instance of our service), and `/_bench/press` (press
通过 on cards [skip:], with a concurrency, each frame then redelivered once; answers the latencies measured here,
press → ack as DingTalk sees it). With several instances connected (`serve(..., spread_pushes=True)`) each push
and each redelivery goes to one of their connections at random, as DingTalk does.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from multiprocessing.connection import Connection
from typing import Any

import aiohttp
from aiohttp import web

from cards.outbound import Channel
from handlers.clock import SystemClock
from sandbox.dingtalk import create_dingtalk_sandbox
from sandbox.dingtalk.state import DingTalkSandboxState, OrgUser
from sandbox.state import InboxItem, Persona, SandboxState

ADMIN_MOBILE, ADMIN_USERID = "13800000002", "dt-li"
STAFF_MOBILE, STAFF_USERID = "13800000004", "dt-zhang"


def review_cards(sandbox: SandboxState) -> list[InboxItem]:
    persona = sandbox.find(ADMIN_MOBILE)
    assert persona is not None
    return [
        i for i in sandbox.inbox[persona.id] if i.channel == Channel.DINGTALK_CARD and i.title.startswith("需求审核")
    ]


async def press_all(base_url: str, items: list[InboxItem], concurrency: int) -> dict[str, Any]:
    """Each worker presses 通过 on a card, then has the gateway deliver that frame again."""
    queue = iter(items)
    latencies: list[float] = []
    again: list[float] = []
    errors = 0

    async def worker(http: aiohttp.ClientSession) -> None:
        nonlocal errors
        for item in queue:
            [approve] = [a for a in item.actions if a["label"] == "通过"]
            url = base_url + str(approve["url"]).removeprefix("/dingtalk")
            started = time.perf_counter()
            async with http.post(url, json=approve["body"]) as response:
                answer: dict[str, Any] = await response.json(content_type=None) if response.status == 200 else {}
            latencies.append(time.perf_counter() - started)
            if response.status != 200 or (answer.get("ack") or {}).get("code") != 200:  # e.g. 504: no ack in 5 s
                errors += 1
                continue
            message_id = answer["ack"]["headers"]["messageId"]
            started = time.perf_counter()
            async with http.post(f"{base_url}/_fake/frames/{message_id}/redeliver") as response:
                # An ack the gateway waits for in vain surfaces as a plain 500 from the sandbox.
                redelivered: dict[str, Any] = await response.json(content_type=None) if response.status == 200 else {}
            again.append(time.perf_counter() - started)
            if response.status != 200 or (redelivered.get("ack") or {}).get("code") != 200:
                errors += 1

    connector = aiohttp.TCPConnector(limit=concurrency)
    async with aiohttp.ClientSession(connector=connector) as http:
        started = time.perf_counter()
        await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        elapsed = time.perf_counter() - started
    return {"latencies": sorted(latencies), "redelivery_latencies": sorted(again), "elapsed": elapsed, "errors": errors}


def build_app(spread_pushes: bool = False) -> tuple[web.Application, DingTalkSandboxState]:
    clock = SystemClock()
    sandbox = SandboxState()
    sandbox.add_person(Persona("admin", "林管理", "法人机构管理员", ADMIN_MOBILE, dingtalk_userid=ADMIN_USERID))
    sandbox.add_person(Persona("staff", "张三", "技转人员", STAFF_MOBILE, dingtalk_userid=STAFF_USERID))
    # No automatic redelivery during the run: the bench redelivers every frame itself, exactly once.
    # With several instances of our service connected, each frame goes to one of them at random, as on DingTalk.
    state = DingTalkSandboxState(redelivery_seconds=600.0, ping_interval_seconds=None, spread_pushes=spread_pushes)
    state.users[ADMIN_USERID] = OrgUser(ADMIN_USERID, f"union-{ADMIN_USERID}", "林管理", ADMIN_MOBILE)
    app = create_dingtalk_sandbox(clock, sandbox, state)

    async def cards(_request: web.Request) -> web.Response:
        return web.json_response({"count": len(review_cards(sandbox))})

    async def connections(_request: web.Request) -> web.Response:
        return web.json_response({"count": len(state.connections)})

    async def press(request: web.Request) -> web.Response:
        body = await request.json()
        items = review_cards(sandbox)[int(body["skip"]) :]
        return web.json_response(await press_all(str(request.url.origin()), items, int(body["concurrency"])))

    app.router.add_get("/_bench/cards", cards)
    app.router.add_get("/_bench/connections", connections)
    app.router.add_post("/_bench/press", press)
    return app, state


async def _serve(conn: Connection, spread_pushes: bool) -> None:
    app, state = build_app(spread_pushes)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    conn.send(
        {
            "base_url": f"http://127.0.0.1:{port}",
            "client_id": state.client_id,
            "client_secret": state.client_secret,
            "agent_id": state.agent_id,
            "corp_id": state.corp_id,
        }
    )
    try:
        # Serve until the bench closes its end of the pipe.
        await asyncio.get_running_loop().run_in_executor(None, until_closed, conn)
    finally:
        await runner.cleanup()


def until_closed(conn: Connection) -> None:
    """Block until the other end of the pipe is closed (the bench is done)."""
    with contextlib.suppress(EOFError):
        conn.recv()


def serve(conn: Connection, spread_pushes: bool = False) -> None:
    """The child process's entry point; `spread_pushes` when several instances of our service connect."""
    asyncio.run(_serve(conn, spread_pushes))
