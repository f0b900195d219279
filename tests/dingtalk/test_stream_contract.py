"""The real dingtalk-stream client against the sandbox gateway: presses, redelivery, reconnects, events."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

from aiohttp.test_utils import TestClient, TestServer
from pydantic import BaseModel
from sqlalchemy import func, select

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.contacts import ContactEvents
from bot.dingtalk.router import CardActionRouter, CardContext, CardReply
from bot.dingtalk.stream import StreamRunner
from bot.dingtalk.wiring import build_router
from bot.web import create_web_app
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from cards.actions import CardAction
from cards.replies import FAILED
from store.models.audit import AuditEntry
from tests.dingtalk.conftest import DingTalkWorld, eventually
from tests.policies import MEMBERSHIP


async def post(world: DingTalkWorld, client: DingTalkClient, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with client.http.post(f"{world.base_url}/_fake{path}", json=body) as response:
        data: dict[str, Any] = await response.json()
        assert response.status == 200, data
        return data


async def deliver_card(client: DingTalkClient, notice_id: str, user_id: str = "dt-zhang") -> str:
    out_track_id = f"ack:{notice_id}:{user_id}"
    await client.create_and_deliver_card(
        template_id=ACKNOWLEDGE_CARD.id,
        out_track_id=out_track_id,
        user_id=user_id,
        card_data=acknowledge_card(NoticeView(notice_id, "会议通知", "周五开会")),
    )
    return out_track_id


async def press(world: DingTalkWorld, client: DingTalkClient, out_track_id: str) -> dict[str, Any]:
    """What the console's button does."""
    [action] = world.state.cards[out_track_id].item.actions  # type: ignore[union-attr]
    assert action["url"] == f"/dingtalk/_fake/cards/{out_track_id}/press"
    return await post(world, client, action["url"].removeprefix("/dingtalk/_fake"), action["body"])


async def acknowledgements(container: Container) -> int:
    async with container.sessionmaker() as session:
        query = select(func.count()).select_from(AuditEntry).where(AuditEntry.aggregate_type == "notice")
        return int(await session.scalar(query) or 0)


async def test_open_connection_subscribes_cards_bot_messages_and_events(
    world: DingTalkWorld, runner: StreamRunner
) -> None:
    [conn] = world.state.connections.values()
    assert {(s["type"], s["topic"]) for s in conn.subscriptions} == {
        ("EVENT", "*"),
        ("CALLBACK", "/v1.0/card/instances/callback"),
        ("CALLBACK", "/v1.0/im/bot/messages/get"),
    }
    assert world.state.tickets == {}  # the ticket was used up


async def test_press_is_acked_within_a_second_with_the_committed_state(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    out_track_id = await deliver_card(client, "n1")
    started = time.monotonic()
    answer = await press(world, client, out_track_id)
    assert time.monotonic() - started < 1.0
    assert answer["ack"]["code"] == 200
    response = json.loads(answer["ack"]["data"])["response"]
    assert response["cardData"]["cardParamMap"]["status"] == "已由张三确认收到"
    assert answer["card"]["buttons"] == []
    assert "已由张三确认收到" in world.sandbox.inbox["staff"][0].body
    assert await acknowledgements(container) == 1

    # Meanwhile the card moves on (another action, or a PUT from a worker).
    await client.update_card(out_track_id=out_track_id, card_data={"status": "已归档"})
    # DingTalk doubts the ack and pushes the same frame again: nothing new, and the shared card is
    # left alone, since DingTalk applies every ack to it.
    message_id = answer["ack"]["headers"]["messageId"]
    again = await post(world, client, f"/frames/{message_id}/redeliver", {})
    assert "cardData" not in json.loads(again["ack"]["data"])["response"]
    # The person presses again from a stale view: a new frame, still no second effect.
    repeat = await post(
        world,
        client,
        f"/cards/{out_track_id}/press",
        {"userId": "dt-zhang", "actionId": "notice.acknowledge", "params": {"notice_id": "n1"}},
    )
    assert "cardData" not in json.loads(repeat["ack"]["data"])["response"]
    assert repeat["card"]["cardParamMap"]["status"] == "已归档"
    assert await acknowledgements(container) == 1


async def test_unacked_frame_is_redelivered_until_acked(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    out_track_id = await deliver_card(client, "n2")
    [conn] = world.state.connections.values()
    original = conn.ws.send_str
    dropped: list[str] = []

    async def lose_first(data: str, compress: int | None = None) -> None:
        if not dropped and "CALLBACK" in data:
            dropped.append(data)  # lost on the way: the client never sees it
            return
        await original(data, compress)

    conn.ws.send_str = lose_first  # type: ignore[method-assign]
    answer = await press(world, client, out_track_id)
    assert dropped and json.loads(answer["ack"]["data"])["response"]["cardData"]["cardParamMap"]["acknowledged"] == (
        "true"
    )
    assert await acknowledgements(container) == 1


async def test_after_disconnect_it_reconnects_and_the_next_press_works(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    [old] = list(world.state.connections)
    assert (await post(world, client, "/gateway/disconnect", {}))["disconnected"] == 1
    await eventually(lambda: len(world.state.connections) == 1 and old not in world.state.connections)
    answer = await press(world, client, await deliver_card(client, "n3"))
    assert answer["card"]["cardParamMap"]["acknowledged"] == "true"
    assert await acknowledgements(container) == 1


async def test_silent_connection_that_still_answers_pings_is_kept(world: DingTalkWorld, runner: StreamRunner) -> None:
    runner.settings = runner.settings.model_copy(update={"stream_watchdog_seconds": 0.1})
    [conn] = list(world.state.connections)
    await asyncio.sleep(0.5)  # several watchdog rounds, each probe answered by a pong
    assert list(world.state.connections) == [conn]


async def test_half_open_connection_is_closed_by_the_watchdog_and_reopened(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    world.state.answer_pings = False
    runner.settings = runner.settings.model_copy(
        update={"stream_watchdog_seconds": 0.1, "stream_ping_timeout_seconds": 0.1}
    )
    [old] = list(world.state.connections)
    await eventually(lambda: len(world.state.connections) == 1 and old not in world.state.connections)
    world.state.answer_pings = True
    answer = await press(world, client, await deliver_card(client, "n4"))
    assert answer["ack"]["code"] == 200


async def test_contact_events_are_acked_with_success_and_recorded_once(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    userid = await client.create_user(name="孙丽", mobile="13800000009")
    [invite] = world.sandbox.inbox["newcomer"]
    await post(world, client, invite.actions[0]["url"].removeprefix("/dingtalk/_fake"), invite.actions[0]["body"])

    def event_acks() -> list[dict[str, Any]]:
        return [a for a in world.state.acks if json.loads(a["data"]).get("status") == "SUCCESS"]

    # Under load a frame may be pushed again before its first ack arrives (redelivery after 0.3 s here): every
    # ack is still a success, and each event is recorded once.
    await eventually(lambda: len(event_acks()) >= 2)
    assert all(json.loads(a["data"]) == {"status": "SUCCESS", "message": "success"} for a in event_acks())
    await runner.contacts.flush()  # applied in the background, after the ack
    async with container.sessionmaker() as session:
        actions = (
            (
                await session.execute(
                    select(AuditEntry.action)
                    .where(AuditEntry.aggregate_type == "dingtalk_member", AuditEntry.aggregate_id == userid)
                    .order_by(AuditEntry.seq)
                )
            )
            .scalars()
            .all()
        )
    # Frames are handled concurrently and DingTalk promises no order: both are recorded, each once.
    assert sorted(actions) == ["user_active_org", "user_add_org"]


async def test_failing_listener_gets_a_polite_ack_and_the_card_keeps_its_state(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    class Params(BaseModel):
        notice_id: str

    router = CardActionRouter(container.uow)

    @router.action(CardAction.ACKNOWLEDGE, Params)
    async def broken(ctx: CardContext, params: Params) -> CardReply:
        ctx.tx.record("notice", params.notice_id, "acknowledged", actor=ctx.press.user_id)
        raise RuntimeError("database went away mid-way")

    failing = StreamRunner(
        world.settings(),
        router,
        ContactEvents(container.uow, container.clock, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
    )
    await failing.start()
    try:
        await eventually(lambda: len(world.state.connections) == 1)
        out_track_id = await deliver_card(client, "n5")
        answer = await press(world, client, out_track_id)
        assert answer["ack"]["code"] == 200
        assert json.loads(answer["ack"]["data"])["response"]["userPrivateData"]["cardParamMap"] == {"tip": FAILED}
        assert answer["card"]["buttons"] == ["确认收到"]  # still there to try again
        assert FAILED in world.sandbox.inbox["staff"][0].body
        assert await acknowledgements(container) == 0
    finally:
        await failing.stop()

    # Once the fault is gone, pressing again works and the failure notice disappears.
    await eventually(lambda: not world.state.connections)
    working = StreamRunner(
        world.settings(),
        build_router(container, client),
        ContactEvents(container.uow, container.clock, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
    )
    await working.start()
    try:
        await eventually(lambda: len(world.state.connections) == 1)
        answer = await press(world, client, out_track_id)
        assert answer["card"]["buttons"] == []
        body = world.sandbox.inbox["staff"][0].body
        assert "已由张三确认收到" in body and FAILED not in body
        assert await acknowledgements(container) == 1
    finally:
        await working.stop()


async def test_event_that_fails_is_acked_later_and_handled_on_redelivery(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    real = runner.contacts.handle
    failures: list[str] = []

    async def flaky(**event: Any) -> None:
        if not failures:
            failures.append(event["event_id"])
            raise ConnectionError("database restarting")
        await real(**event)

    runner.contacts.handle = flaky  # type: ignore[method-assign]
    userid = await client.create_user(name="孙丽", mobile="13800000009")

    def statuses() -> list[tuple[int, str]]:
        return [(a["code"], json.loads(a["data"]).get("status")) for a in world.state.acks if "status" in a["data"]]

    await eventually(lambda: (200, "SUCCESS") in statuses())
    # The failure is answered LATER, the redelivery SUCCESS (again SUCCESS should it be pushed once more).
    assert statuses()[0] == (500, "LATER") and set(statuses()[1:]) == {(200, "SUCCESS")}, statuses()
    await runner.contacts.flush()  # applied in the background, after the ack
    async with container.sessionmaker() as session:
        recorded = (
            (
                await session.execute(
                    select(AuditEntry.action).where(
                        AuditEntry.aggregate_type == "dingtalk_member", AuditEntry.aggregate_id == userid
                    )
                )
            )
            .scalars()
            .all()
        )
    assert recorded == ["user_add_org"]


async def test_readyz_reports_the_stream_connection(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    container.readiness["dingtalk_stream"] = runner.ready
    async with TestClient(TestServer(create_web_app(container))) as web:
        body = await (await web.get("/readyz")).json()
        assert body["checks"]["dingtalk_stream"] == "ok"
        await runner.stop()
        response = await web.get("/readyz")
        assert response.status == 503
        assert (await response.json())["checks"]["dingtalk_stream"] == "down"


async def test_malformed_card_callback_is_still_acked(world: DingTalkWorld, runner: StreamRunner) -> None:
    from cards.replies import INVALID
    from sandbox.dingtalk import gateway_key

    gateway = world.server.app[gateway_key]
    for content in ("not json", "null"):
        # Without an ack DingTalk would redeliver the frame and the phone would show an error.
        ack = await gateway.push(
            "CALLBACK",
            "/v1.0/card/instances/callback",
            {"outTrackId": "ack:n1:dt-zhang", "userId": "dt-zhang", "content": content},
            timeout=5.0,
        )
        assert ack["code"] == 200
        assert json.loads(ack["data"])["response"]["userPrivateData"]["cardParamMap"] == {"tip": INVALID}


async def test_events_without_an_event_id_header_are_each_recorded(
    world: DingTalkWorld, container: Container, runner: StreamRunner
) -> None:
    from sandbox.dingtalk import gateway_key

    gateway = world.server.app[gateway_key]
    for user_id in ("u1", "u2"):
        ack = await gateway.push(
            "EVENT", "user_leave_org", {"userId": [user_id]}, eventType="user_leave_org", timeout=5.0
        )
        assert json.loads(ack["data"])["status"] == "SUCCESS"
    await runner.contacts.flush()
    async with container.sessionmaker() as session:
        left = (
            (
                await session.execute(
                    select(AuditEntry.aggregate_id).where(AuditEntry.aggregate_type == "dingtalk_member")
                )
            )
            .scalars()
            .all()
        )
    assert sorted(left) == ["u1", "u2"]


async def test_a_frame_redelivered_to_another_instance_has_no_second_effect(
    world: DingTalkWorld, client: DingTalkClient, container: Container, runner: StreamRunner
) -> None:
    """Two instances share the database but not the SDK's per-process messageId cache: only our
    database key can stop the second run."""
    answer = await press(world, client, await deliver_card(client, "n6"))
    assert await acknowledgements(container) == 1
    other = StreamRunner(
        world.settings(),
        build_router(container, client),
        ContactEvents(container.uow, container.clock, policy=MEMBERSHIP),
        reconnect_base_seconds=0.05,
    )
    await other.start()
    try:
        await eventually(lambda: len(world.state.connections) == 2)
        message_id = answer["ack"]["headers"]["messageId"]
        # Counted from here: on a loaded machine the gateway may already have redelivered the press once
        # before its first ack (0.3 s in these tests), which is DingTalk's behaviour too.
        acked = [a["headers"]["messageId"] for a in world.state.acks].count(message_id)
        # The sandbox pushes to the newest connection, as DingTalk may pick any: the other instance.
        again = await post(world, client, f"/frames/{message_id}/redeliver", {})
        assert [a["headers"]["messageId"] for a in world.state.acks].count(message_id) == acked + 1
        assert "cardData" not in json.loads(again["ack"]["data"])["response"]
        assert await acknowledgements(container) == 1
    finally:
        await other.stop()
