"""Dependencies down: with Redis stopped or PostgreSQL refusing connections, every channel asks to be asked
again — REST 503 with Retry-After, DingTalk no ack (so the frame is pushed again), WeChat 503 — nothing is
half-written, and once they are back the same requests succeed without a restart.

Runs on the production backend only: a private redis-server on a free loopback port that the test stops and
starts, and a loopback TCP proxy in front of the test PostgreSQL that the test switches to refuse (and reset)
connections or to cut a transaction at its COMMIT.
"""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from prometheus_client import REGISTRY
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.stream import StreamRunner
from bot.settings import Settings, WeChatSettings
from bot.web import create_web_app
from store.db import create_engine
from store.models.auth import PasswordCredential
from store.models.wechat import WeChatFollower, WeChatInbox
from tests.api.openapi_check import problems, response_schema
from tests.auth.conftest import PASSWORD, make_account, sms_sent
from tests.conftest import Backend
from tests.dingtalk.conftest import DingTalkWorld, client, runner, world  # noqa: F401  (fixtures)
from tests.dingtalk.test_stream_contract import acknowledgements, deliver_card
from tests.served import ServedApp
from tests.wechat.pushes import AES_KEY, APP_ID, NOW, TOKEN, event_xml, safe_push

REDIS_SERVER = "/usr/bin/redis-server"
MOBILE = "13800000004"
BUSY = {"code": "dependency_unavailable", "message": "服务繁忙，请稍后重试", "retry_after": 5}
Client = TestClient[web.Request, web.Application]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class PrivateRedis:
    """A redis-server of this test's own, without persistence: stopping it is an outage, starting it again
    an empty Redis on the same port (as after a failover to a fresh replica)."""

    def __init__(self) -> None:
        self.port = _free_port()
        self._process: asyncio.subprocess.Process | None = None
        self._output: asyncio.Task[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    async def start(self) -> None:
        process = await asyncio.create_subprocess_exec(
            REDIS_SERVER,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        assert process.stdout is not None
        async with asyncio.timeout(10):
            while b"Ready to accept connections" not in (line := await process.stdout.readline()):
                assert line, "redis-server exited before it was ready"
        self._process, self._output = process, asyncio.ensure_future(process.stdout.read())

    async def stop(self) -> None:
        assert self._process is not None and self._output is not None
        self._process.terminate()
        await self._process.wait()
        await self._output
        self._process = self._output = None


class PostgresProxy:
    """Loopback TCP in front of the test PostgreSQL. `refuse()` closes the listening socket (new connections
    are refused) and resets the open ones (the pool's idle connections die); `accept()` listens again on the
    same port. `cut_commit_after(marker)` drops the COMMIT of the next transaction that sent `marker`, and
    resets its connection there: the server rolls back what it already executed."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.port = 0
        self.cuts = 0
        self._marker: bytes | None = None
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()

    async def accept(self) -> None:
        self._server = await asyncio.start_server(self._link, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def refuse(self) -> None:
        assert self._server is not None
        self._server.close()
        for writer in list(self._links):
            writer.transport.abort()
        await self._server.wait_closed()
        self._server = None

    def cut_commit_after(self, marker: bytes) -> None:
        self._marker = marker

    async def _link(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.upstream)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}
        marked = False

        async def to_server() -> None:
            nonlocal marked
            while data := await reader.read(65536):
                if self._marker is not None and self._marker in data:
                    marked = True
                elif marked and b"COMMIT" in data:
                    self._marker, marked = None, False
                    self.cuts += 1
                    up_writer.transport.abort()
                    writer.transport.abort()
                    return
                up_writer.write(data)
                await up_writer.drain()

        async def to_client() -> None:
            while data := await up_reader.read(65536):
                writer.write(data)
                await writer.drain()

        pipes = [asyncio.ensure_future(to_server()), asyncio.ensure_future(to_client())]
        try:
            # Either side closing closes the other: asyncpg waits for the server's close after its Terminate.
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for end in (writer, up_writer):
                self._links.discard(end)
                end.transport.abort()
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)

    async def close(self) -> None:
        if self._server is not None:
            await self.refuse()


@pytest.fixture
async def pg_proxy(backend: Backend) -> AsyncIterator[PostgresProxy]:
    if backend.name != "production":
        pytest.skip("an outage of PostgreSQL and Redis needs the production backend")
    url = make_url(backend.database_url)
    proxy = PostgresProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.accept()
    yield proxy
    await proxy.close()


@pytest.fixture
async def private_redis(pg_proxy: PostgresProxy) -> AsyncIterator[PrivateRedis]:
    server = PrivateRedis()
    await server.start()
    yield server
    if server._process is not None:
        await server.stop()


@pytest.fixture
def settings(
    settings: Settings,
    pg_proxy: PostgresProxy,
    private_redis: PrivateRedis,
    world: DingTalkWorld,  # noqa: F811
) -> Settings:
    proxied = make_url(settings.database_url).set(port=pg_proxy.port).render_as_string(hide_password=False)
    wechat = WeChatSettings(
        api_base_url="http://127.0.0.1:9/not-used",
        app_id=APP_ID,
        app_secret=SecretStr("app-secret"),
        token=SecretStr(TOKEN),
        encoding_aes_key=SecretStr(AES_KEY),
    )
    return settings.model_copy(
        update={"database_url": proxied, "redis_url": private_redis.url, "wechat": wechat, "dingtalk": world.settings()}
    )


@pytest.fixture
async def api(container: Container) -> AsyncIterator[Client]:
    async with TestClient(ServedApp(create_web_app(container))) as test_client:  # as `kezhuan serve` runs it
        yield test_client


async def _direct_count(backend: Backend, model: Any) -> int:
    """Counted around the proxy, straight from the database."""
    engine = create_engine(backend.database_url)
    try:
        async with engine.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(model))).scalar_one())
    finally:
        await engine.dispose()


def _unavailable_answers(dependency: str, channel: str) -> float:
    labels = {"dependency": dependency, "channel": channel}
    return REGISTRY.get_sample_value("kezhuan_dependency_unavailable_total", labels) or 0.0


async def _assert_busy(response: Any, method: str, path: str) -> None:
    assert response.status == 503, await response.text()
    assert response.headers["Retry-After"] == "5"
    body = await response.json()
    assert body == {"error": BUSY}
    assert problems(response_schema(method, path, "503"), body) == []


async def _readiness(api: Client) -> tuple[int, dict[str, str]]:
    response = await api.get("/readyz")
    return response.status, (await response.json())["checks"]


async def _login_free_code(api: Client, world: DingTalkWorld) -> str:  # noqa: F811
    """A 免登 code for 张三 (dt-zhang) from the sandbox DingTalk, as the micro-app gets it."""
    async with api.session.post(f"{world.base_url}/_fake/authcodes", json={"userId": "dt-zhang"}) as response:
        code: str = (await response.json())["code"]
    return code


async def test_redis_stopped_asks_to_retry_and_recovers_when_it_returns(
    api: Client,
    container: Container,
    private_redis: PrivateRedis,
    world: DingTalkWorld,  # noqa: F811
) -> None:
    await make_account(container.uow())
    assert await _readiness(api) == (200, {"database": "ok", "redis": "ok"})
    before = _unavailable_answers("redis", "rest")

    await private_redis.stop()
    response = await api.post("/api/v1/auth/sms-codes", json={"mobile": MOBILE})
    await _assert_busy(response, "POST", "/auth/sms-codes")
    assert _unavailable_answers("redis", "rest") == before + 1
    status, checks = await _readiness(api)
    assert status == 503 and checks["database"] == "ok" and checks["redis"].startswith("down")
    assert await sms_sent(container, MOBILE) == []  # the code was not stored nor queued without its quota
    # 免登 needs DingTalk's access token, which every instance shares through Redis.
    code = await _login_free_code(api, world)
    await _assert_busy(
        await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code}), "POST", "/auth/dingtalk-login"
    )
    # What needs no Redis keeps working.
    login = await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": PASSWORD})
    assert login.status == 200

    await private_redis.start()
    response = await api.post("/api/v1/auth/sms-codes", json={"mobile": MOBILE})
    assert response.status == 202, await response.text()
    assert len(await sms_sent(container, MOBILE)) == 1
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": await _login_free_code(api, world)})
    assert response.status == 200, await response.text()
    assert await _readiness(api) == (200, {"database": "ok", "redis": "ok"})


async def test_postgres_refusing_asks_to_retry_and_recovers_when_it_returns(
    api: Client, container: Container, pg_proxy: PostgresProxy, backend: Backend
) -> None:
    await make_account(container.uow())
    login = await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": PASSWORD})
    token = (await login.json())["token"]
    auth = {"Authorization": f"Bearer {token}"}
    assert (await api.get("/api/v1/me", headers=auth)).status == 200  # the pool holds a connection now
    before = _unavailable_answers("database", "rest")
    change = {"old_password": PASSWORD, "new_password": "Changed-2026-pass"}

    await pg_proxy.refuse()
    await _assert_busy(await api.get("/api/v1/me", headers=auth), "GET", "/me")
    await _assert_busy(await api.post("/api/v1/auth/password", json=change, headers=auth), "POST", "/auth/password")
    await _assert_busy(
        await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": PASSWORD}),
        "POST",
        "/auth/password-login",
    )
    assert _unavailable_answers("database", "rest") == before + 3
    status, checks = await _readiness(api)
    assert status == 503 and checks["database"].startswith("down") and checks["redis"] == "ok"

    await pg_proxy.accept()
    assert (await api.get("/api/v1/me", headers=auth)).status == 200
    assert await _readiness(api) == (200, {"database": "ok", "redis": "ok"})

    # The connection dies between the change's statements and its COMMIT: the server rolls it all back.
    pg_proxy.cut_commit_after(b"password_credentials")
    response = await api.post("/api/v1/auth/password", json=change, headers=auth)
    assert pg_proxy.cuts == 1
    await _assert_busy(response, "POST", "/auth/password")
    assert await _direct_count(backend, PasswordCredential) == 1
    # Nothing of it stayed: the old password still signs in, and the same request now succeeds once.
    assert (await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": PASSWORD})).status == 200
    assert (await api.post("/api/v1/auth/password", json=change, headers=auth)).status == 204
    assert (
        await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": change["new_password"]})
    ).status == 200
    assert (await api.post("/api/v1/auth/password-login", json={"mobile": MOBILE, "password": PASSWORD})).status == 401


async def test_card_press_while_postgres_refuses_is_left_unacked_and_applied_on_redelivery(
    world: DingTalkWorld,  # noqa: F811
    client: DingTalkClient,  # noqa: F811
    container: Container,
    runner: StreamRunner,  # noqa: F811
    pg_proxy: PostgresProxy,
) -> None:
    out_track_id = await deliver_card(client, "n1")
    [action] = world.state.cards[out_track_id].item.actions  # type: ignore[union-attr]
    before = _unavailable_answers("database", "dingtalk")

    await pg_proxy.refuse()
    url = f"{world.base_url}/_fake{action['url'].removeprefix('/dingtalk/_fake')}"
    async with client.http.post(url, json={**action["body"], "timeout": 0.5}) as response:
        assert response.status == 504  # no ack: the phone shows 操作失败, and DingTalk pushes the frame again
    assert not [ack for ack in world.state.acks if "response" in ack.get("data", "")]
    assert _unavailable_answers("database", "dingtalk") >= before + 1
    assert world.state.cards[out_track_id].params.get("acknowledged") != "true"

    await pg_proxy.accept()
    [message_id] = [m for m, p in world.state.pending.items() if p.frame["type"] == "CALLBACK"]
    async with client.http.post(f"{world.base_url}/_fake/frames/{message_id}/redeliver", json={}) as response:
        ack = (await response.json())["ack"]
    assert ack["code"] == 200
    assert json.loads(ack["data"])["response"]["cardData"]["cardParamMap"]["status"] == "已由张三确认收到"
    assert world.state.cards[out_track_id].params["acknowledged"] == "true"
    assert await acknowledgements(container) == 1


async def test_wechat_push_while_postgres_refuses_gets_503_and_the_retry_is_recorded_once(
    api: Client, container: Container, pg_proxy: PostgresProxy, backend: Backend
) -> None:
    push = safe_push(event_xml("o-chen", "subscribe", at=NOW, EventKey="qrscene_inv:42"))
    before = _unavailable_answers("database", "wechat")

    await pg_proxy.refuse()
    response = await api.post("/wechat/callback", params=push.params, data=push.body)
    assert response.status == 503 and response.headers["Retry-After"] == "5"
    assert await response.text() != "success"  # `success` would stop WeChat's retries
    assert _unavailable_answers("database", "wechat") == before + 1
    assert await _direct_count(backend, WeChatInbox) == 0

    await pg_proxy.accept()
    for _ in range(2):  # WeChat's retry, and one more it may send
        response = await api.post("/wechat/callback", params=push.params, data=push.body)
        assert response.status == 200
    assert await _direct_count(backend, WeChatFollower) == 1
    assert await _direct_count(backend, WeChatInbox) == 1
