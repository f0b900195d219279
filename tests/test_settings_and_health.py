"""Settings come from the environment once; the service reports its health and readiness."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from aiohttp.test_utils import TestClient, TestServer
from pydantic import ValidationError
from sqlalchemy.pool import QueuePool

from bot.bootstrap import Container, settings_clock
from bot.settings import Settings
from bot.web import create_web_app
from handlers.clock import OffsetClock, SystemClock
from store.db import warm_pool


def test_settings_read_prefixed_environment_and_hide_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KEZHUAN_DINGTALK__API_BASE_URL", "http://127.0.0.1:9/dt")
    monkeypatch.setenv("KEZHUAN_WECHAT__APP_SECRET", "s3cret")
    monkeypatch.setenv("KEZHUAN_OUTBOX__LIMITS", '{"wechat.template": {"daily_cap": 200000}}')
    settings = Settings()
    assert settings.dingtalk.api_base_url == "http://127.0.0.1:9/dt"
    assert settings.dingtalk.oapi_base_url == "https://oapi.dingtalk.com"
    assert settings.wechat.api_base_url == "https://api.weixin.qq.com"
    assert settings.wechat.app_secret.get_secret_value() == "s3cret"
    assert "s3cret" not in repr(settings)
    assert settings.sandbox is False
    # One overridden field keeps the other defaults, of that channel and of the others.
    assert settings.outbox.limits_for("wechat.template").daily_cap == 200_000
    assert settings.outbox.limits_for("wechat.template").per_second == 50.0
    assert settings.outbox.limits_for("sms").daily_cap == 10_000


async def test_readyz_reports_database_and_redis(container: Container) -> None:
    async with TestClient(TestServer(create_web_app(container))) as client:
        health = await client.get("/healthz")
        assert health.status == 200
        ready = await client.get("/readyz")
        body = await ready.json()
        assert ready.status == 200, body
        assert body["checks"] == {"database": "ok", "redis": "ok"}


async def test_readyz_fails_when_the_database_is_gone(container: Container) -> None:
    async def broken() -> bool:
        raise ConnectionError("database down")

    container.readiness["database"] = broken
    async with TestClient(TestServer(create_web_app(container))) as client:
        ready = await client.get("/readyz")
        assert ready.status == 503
        assert (await ready.json())["checks"]["database"].startswith("down")


async def test_sandbox_is_off_unless_configured_and_no_request_turns_it_on(container: Container) -> None:
    async with TestClient(TestServer(create_web_app(container))) as client:
        for attempt in ("/sandbox", "/sandbox?sandbox=1", "/sandbox/api/people"):
            response = await client.get(attempt, headers={"X-Kezhuan-Sandbox": "true"})
            assert response.status == 404
            assert (await response.json())["error"]["code"] == "not_found"


async def test_unknown_api_route_gets_a_clear_error(container: Container) -> None:
    async with TestClient(TestServer(create_web_app(container))) as client:
        response = await client.get("/api/v1/no-such-thing")
        assert response.status == 404
        body = await response.json()
        assert body["error"] == {"code": "not_found", "message": "未找到请求的资源"}


def test_a_lease_shorter_than_two_send_timeouts_is_refused() -> None:
    with pytest.raises(ValidationError, match="at least twice"):
        Settings(outbox={"lease_seconds": 10, "send_timeout_seconds": 8})


async def test_start_up_opens_the_database_pool_so_first_presses_do_not_wait_for_connections(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KEZHUAN_DATABASE_POOL_SIZE", "4")
    assert Settings().database_pool_size == 4
    pool = container.engine.sync_engine.pool
    assert isinstance(pool, QueuePool)
    idle_before = pool.checkedin()
    await warm_pool(container.engine, 4)
    if container.engine.dialect.name == "sqlite":
        assert pool.checkedin() == idle_before  # no server to connect to: nothing opened
    else:
        assert pool.checkedin() >= 4  # open and idle, ready for the first requests
    with pytest.raises(ValidationError):
        Settings(database_pool_size=0)


def test_a_configured_clock_start_gives_the_process_that_now_and_moves_on() -> None:
    start = datetime(2027, 1, 4, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    clock = settings_clock(Settings(clock_start=start))
    assert isinstance(clock, OffsetClock)
    assert abs((clock.now() - start).total_seconds()) < 5
    assert clock.now().tzinfo is not None
    assert isinstance(settings_clock(Settings()), SystemClock)


def test_a_clock_start_without_an_offset_is_refused() -> None:
    with pytest.raises(ValidationError, match="UTC offset"):
        Settings(clock_start=datetime(2027, 1, 4, 9, 0))  # noqa: DTZ001 - the naive value is the point
