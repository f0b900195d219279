"""The sandbox Stream gateway keeps DingTalk's rules: credentials, single-use 90 s tickets, pings."""

from __future__ import annotations

import asyncio
import json
from collections import Counter

import aiohttp
import pytest

from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.stream import StreamRunner
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from handlers.clock import ManualClock
from sandbox.dingtalk import gateway_key
from sandbox.dingtalk.gateway import CARD_TOPIC
from tests.dingtalk.conftest import DingTalkWorld, eventually


async def open_connection(world: DingTalkWorld, http: aiohttp.ClientSession, secret: str) -> aiohttp.ClientResponse:
    body = {
        "clientId": world.state.client_id,
        "clientSecret": secret,
        "ua": "test",
        "localIp": "",
        "subscriptions": [{"type": "CALLBACK", "topic": "/v1.0/card/instances/callback"}],
    }
    return await http.post(f"{world.base_url}/v1.0/gateway/connections/open", json=body)


async def test_wrong_secret_gets_no_ticket(world: DingTalkWorld, client: DingTalkClient) -> None:
    response = await open_connection(world, client.http, "wrong")
    assert response.status == 401


async def test_ticket_opens_one_connection_within_90_seconds(
    world: DingTalkWorld, client: DingTalkClient, clock: ManualClock
) -> None:
    opened = await (await open_connection(world, client.http, world.state.client_secret)).json()
    assert opened["endpoint"] == f"{world.base_url.replace('http', 'ws', 1)}/connect"
    url = f"{opened['endpoint']}?ticket={opened['ticket']}"
    async with client.http.ws_connect(url) as ws:
        assert not ws.closed
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.http.ws_connect(url)  # used once already

    late = await (await open_connection(world, client.http, world.state.client_secret)).json()
    clock.advance(91)
    with pytest.raises(aiohttp.WSServerHandshakeError):
        await client.http.ws_connect(f"{late['endpoint']}?ticket={late['ticket']}")


async def test_ping_frames_are_answered_by_the_sdk(world: DingTalkWorld, runner: StreamRunner) -> None:
    world.state.ping_interval_seconds = 0.05
    await runner.stop()  # reconnect so the new interval applies
    await runner.start()

    def pongs() -> list[dict[str, object]]:
        return [a for a in world.state.acks if a.get("message") == "OK" and "opaque" in json.loads(str(a["data"]))]

    await eventually(lambda: len(pongs()) >= 2)


async def test_card_without_stream_callbacks_never_reaches_the_stream(
    world: DingTalkWorld, client: DingTalkClient
) -> None:
    body = {
        "cardTemplateId": ACKNOWLEDGE_CARD.id,
        "outTrackId": "http-card",
        "callbackType": "HTTP",
        "cardData": {"cardParamMap": acknowledge_card(NoticeView("n1", "t", "c"))},
        "openSpaceId": "dtv1.card//IM_ROBOT.dt-zhang",
        "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT"},
    }
    await client.call("POST", "api", "/v1.0/card/instances/createAndDeliver", body=body)
    [action] = world.sandbox.inbox["staff"][0].actions
    async with client.http.post(
        f"{world.base_url}{action['url'].removeprefix('/dingtalk')}", json=action["body"]
    ) as response:
        assert response.status == 409


async def test_spread_pushes_reach_both_connections_each_delivery_acked_once(world: DingTalkWorld) -> None:
    """As DingTalk with several instances connected: each push and each redelivery goes to one random connection."""
    world.state.spread_pushes = True
    world.state.rng.seed(7)  # a fixed draw keeps the test stable
    received: list[list[str]] = [[], []]

    async def answer(ws: aiohttp.ClientWebSocketResponse, seen: list[str]) -> None:
        async for msg in ws:
            headers = json.loads(msg.data)["headers"]
            seen.append(headers["messageId"])
            await ws.send_str(
                json.dumps(
                    {
                        "code": 200,
                        "headers": {"messageId": headers["messageId"]},
                        "message": "OK",
                        "data": json.dumps({"response": {}}),
                    }
                )
            )

    async with aiohttp.ClientSession() as http:
        sockets = []
        for _ in range(2):
            opened = await (await open_connection(world, http, world.state.client_secret)).json()
            sockets.append(await http.ws_connect(f"{opened['endpoint']}?ticket={opened['ticket']}"))
        readers = [asyncio.ensure_future(answer(ws, seen)) for ws, seen in zip(sockets, received, strict=True)]
        await eventually(lambda: len(world.state.connections) == 2)
        gateway = world.server.app[gateway_key]
        pushed = []
        for n in range(20):
            ack = await gateway.push("CALLBACK", CARD_TOPIC, {"outTrackId": f"card-{n}"}, timeout=1.0)
            pushed.append(ack["headers"]["messageId"])
            await gateway.redeliver(pushed[-1], timeout=1.0)
        for ws in sockets:
            await ws.close()
        await asyncio.gather(*readers)

    assert all(received)  # both connections got frames
    assert Counter(received[0] + received[1]) == dict.fromkeys(pushed, 2)  # each delivery reached one connection
    assert Counter(a["headers"]["messageId"] for a in world.state.acks) == dict.fromkeys(pushed, 2)  # acked once each
    # Some redeliveries landed on the other connection than their first push (what a second instance must answer).
    assert any(received[0].count(m) == 1 for m in pushed)
