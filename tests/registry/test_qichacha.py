"""The 企查查 adapter against the sandbox's offline 企查查 over loopback: signing, the answer's varying forms,
and every provider error mapped to our port (a record, None, or RegistryUnavailable with Retry-After)."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from bot.registry.qichacha import QichachaRegistry, capital_fen, start_date, token
from handlers.enterprises.ports import RegistryUnavailable
from sandbox.qichacha import SANDBOX_QICHACHA, QichachaSandboxState, qichacha_sandbox_app

XIXI = "杭州西溪新材料有限公司"


@pytest.fixture
def fake() -> QichachaSandboxState:
    return QichachaSandboxState()


@pytest.fixture
async def server(fake: QichachaSandboxState) -> AsyncIterator[TestServer]:
    running = TestServer(qichacha_sandbox_app(fake), host="127.0.0.1")
    await running.start_server()
    yield running
    await running.close()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def adapter(http: aiohttp.ClientSession, server: TestServer, **overrides: Any) -> QichachaRegistry:
    options: dict[str, Any] = {
        "app_key": SANDBOX_QICHACHA.app_key,
        "secret_key": SANDBOX_QICHACHA.secret_key,
        **overrides,
    }
    return QichachaRegistry(http, base_url=str(server.make_url("")), **options)


def test_the_token_is_the_upper_case_md5_of_key_timespan_secret() -> None:
    # md5("key1700000000secret") computed independently.
    import hashlib

    assert token("key", "1700000000", "secret") == hashlib.md5(b"key1700000000secret").hexdigest().upper()
    assert token("key", "1700000000", "secret").isupper() and len(token("k", "1", "s")) == 32


async def test_a_found_enterprise_in_both_answer_forms(
    http: aiohttp.ClientSession, server: TestServer, fake: QichachaSandboxState
) -> None:
    registry = adapter(http, server)
    first, second = await registry.lookup(XIXI), await registry.lookup(f" {XIXI} ")
    assert first == second  # "500万元人民币" / "500.000000万人民币", "2012-03-02" / "2012-03-02 00:00:00"
    assert first is not None
    assert (first.name, first.credit_code, first.legal_representative) == (XIXI, "91330106MAXG0TEQ2A", "王海燕")
    assert (first.registered_capital_fen, first.established_on) == (500 * 10_000 * 100, date(2012, 3, 2))
    assert first.region_code == "330106"  # the issuing authority: characters 3–8
    assert fake.keywords == [XIXI, XIXI]


async def test_no_result_is_none_so_the_enterprise_can_be_entered_by_hand(
    http: aiohttp.ClientSession, server: TestServer
) -> None:
    assert await adapter(http, server).lookup("杭州不存在科技有限公司") is None
    assert await adapter(http, server).lookup("杭") is None  # 213: too short to search


async def test_a_wrong_secret_is_refused_by_signature(http: aiohttp.ClientSession, server: TestServer) -> None:
    with pytest.raises(RegistryUnavailable) as caught:
        await adapter(http, server, secret_key="not-the-secret").lookup(XIXI)
    assert caught.value.code == "registry_unavailable" and caught.value.retry_after is None


async def test_an_unknown_key_is_refused(http: aiohttp.ClientSession, server: TestServer) -> None:
    with pytest.raises(RegistryUnavailable) as caught:
        await adapter(http, server, app_key="someone-else").lookup(XIXI)
    assert caught.value.retry_after is None


async def test_an_exhausted_quota_waits_for_the_operator(
    http: aiohttp.ClientSession, server: TestServer, fake: QichachaSandboxState
) -> None:
    fake.remaining = 1
    assert await adapter(http, server).lookup(XIXI) is not None
    with pytest.raises(RegistryUnavailable) as caught:
        await adapter(http, server).lookup(XIXI)
    assert caught.value.retry_after is None and "手工录入" in caught.value.message


@pytest.mark.parametrize(("failure", "retry_after"), [("110", 7200), ("109", 3600), ("199", 60), ("http_502", 60)])
async def test_passing_failures_say_when_to_ask_again(
    http: aiohttp.ClientSession, server: TestServer, fake: QichachaSandboxState, failure: str, retry_after: int
) -> None:
    fake.fail_next.append(failure)
    with pytest.raises(RegistryUnavailable) as caught:
        await adapter(http, server).lookup(XIXI)
    assert caught.value.retry_after == retry_after
    assert await adapter(http, server).lookup(XIXI) is not None  # the next call is answered again


async def test_a_registry_that_is_down_is_unavailable_not_an_error(http: aiohttp.ClientSession) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    registry = QichachaRegistry(http, base_url=f"http://127.0.0.1:{port}", app_key="k", secret_key="s")
    with pytest.raises(RegistryUnavailable) as caught:
        await registry.lookup(XIXI)
    assert caught.value.retry_after == 60


@pytest.mark.parametrize(
    ("given", "fen"),
    [
        ("1000万元人民币", 10**9),
        ("1000.000000万人民币", 10**9),
        ("12.5万元", 125_000_00),
        ("1,200万元人民币", 12 * 10**8),
        ("500万美元", None),
        ("", None),
        (None, None),
        ("-", None),
    ],
)
def test_registered_capital_forms(given: Any, fen: int | None) -> None:
    assert capital_fen(given) == fen


@pytest.mark.parametrize(
    ("given", "day"),
    [
        ("2016-05-18", date(2016, 5, 18)),
        ("2016-05-18 00:00:00", date(2016, 5, 18)),
        ("2016-05-18T00:00:00+08:00", date(2016, 5, 18)),
        ("", None),
        (None, None),
        ("-", None),
    ],
)
def test_dates_of_establishment(given: Any, day: date | None) -> None:
    assert start_date(given) == day


async def test_a_person_in_the_sandbox_spends_the_quota_from_outside(
    http: aiohttp.ClientSession, server: TestServer, fake: QichachaSandboxState
) -> None:
    async with http.put(server.make_url("/switches"), json={"remaining": 0}) as response:
        assert response.status == 200 and (await response.json())["remaining"] == 0
    with pytest.raises(RegistryUnavailable):
        await adapter(http, server).lookup(XIXI)
    async with http.put(server.make_url("/switches"), json={"remaining": None, "fail_next": ["http_502"]}) as response:
        assert (await response.json())["fail_next"] == ["http_502"]
    with pytest.raises(RegistryUnavailable):
        await adapter(http, server).lookup(XIXI)
    assert await adapter(http, server).lookup(XIXI) is not None
    async with http.put(server.make_url("/switches"), json={"remaining": "lots"}) as response:
        assert response.status == 400
