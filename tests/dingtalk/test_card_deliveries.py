"""A card send is judged by what DingTalk says of each delivery, whatever form its answer names the space in; the
messages about one card or one to-do leave in order, each carrying the latest data; every dead letter is logged."""

from __future__ import annotations

import logging
from dataclasses import replace

import pytest
from alibabacloud_dingtalk.card_1_0 import models as card  # type: ignore[import-untyped]
from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.client import DingTalkClient, delivery_for
from bot.dingtalk.errors import DingTalkError
from bot.dingtalk.wiring import wire_dingtalk
from bot.relay import Relay
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from cards.outbound import CardCreate, CardUpdate, TodoComplete, TodoCreate
from handlers.clock import ManualClock
from sandbox.dingtalk.openapi import DELIVER_SHAPES
from store.models.outbox import OutboxMessage, OutboxStatus
from tests.dingtalk.conftest import DingTalkWorld


def ack_card(out_track_id: str, notice_id: str) -> CardCreate:
    return CardCreate(
        recipient="dt-zhang",
        out_track_id=out_track_id,
        template_id=ACKNOWLEDGE_CARD.id,
        card_data=acknowledge_card(NoticeView(notice_id, "通知", "内容")),
    )


def relay(container: Container, world: DingTalkWorld, clock: ManualClock) -> Relay:
    container.settings.dingtalk = world.settings()
    wire_dingtalk(container)
    return Relay(
        sessionmaker=container.sessionmaker,
        channels=container.channels,
        coordination=container.coordination,
        clock=clock,
        settings=container.settings.outbox,
        timezone=container.timezone,
    )


async def rows(container: Container) -> list[OutboxMessage]:
    async with container.sessionmaker() as session:
        return list((await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars())


async def drain(relay: Relay, clock: ManualClock) -> None:
    for _ in range(50):
        clock.advance(0.001)
        if await relay.run_once() == 0:
            return
    raise AssertionError("the outbox did not drain")


@pytest.mark.parametrize("shape", DELIVER_SHAPES)
async def test_the_sdk_model_reads_each_answer_shape_and_so_do_we(
    shape: str, world: DingTalkWorld, client: DingTalkClient
) -> None:
    world.state.deliver_shape = shape
    body = {
        "cardTemplateId": ACKNOWLEDGE_CARD.id,
        "outTrackId": f"ack:{shape}:dt-zhang",
        "callbackType": "STREAM",
        "cardData": {"cardParamMap": acknowledge_card(NoticeView("n1", "t", "c"))},
        "openSpaceId": "dtv1.card//IM_ROBOT.dt-zhang",
        "userIdType": 1,
        "imRobotOpenDeliverModel": {"spaceType": "IM_ROBOT", "robotCode": world.state.client_id},
    }
    answer = await client.call("POST", "api", "/v1.0/card/instances/createAndDeliver", body=body)
    parsed = card.CreateAndDeliverResponseBody().from_map(answer)
    assert parsed.to_map() == answer  # the official model knows every field the sandbox answers with
    [entry] = parsed.result.deliver_results
    assert entry.success is True and entry.carrier_id
    assert entry.space_id == {"full": "dtv1.card//IM_ROBOT.dt-zhang", "bare": "dt-zhang", "none": None}[shape]
    assert delivery_for("dt-zhang", parsed.to_map()["result"]["deliverResults"])["success"] is True


def test_each_delivery_is_judged_on_its_own_success_and_matched_to_its_recipient_when_named() -> None:
    full, bare = "dtv1.card//IM_ROBOT.dt-zhang", "dt-zhang"
    for space in (full, bare, None):
        entry = {"spaceType": "IM_ROBOT", "success": True, "carrierId": "c1"} | ({"spaceId": space} if space else {})
        assert delivery_for("dt-zhang", [entry])["carrierId"] == "c1"
        failed = {"spaceType": "IM_ROBOT", "success": False, "errorMsg": "用户不存在"} | (
            {"spaceId": space} if space else {}
        )
        assert delivery_for("dt-zhang", [failed]) == failed
    # Another space's entry is not ours; ours is found among others in either form.
    other = {"spaceId": "dtv1.card//IM_ROBOT.dt-zhao", "success": True}
    assert delivery_for("dt-zhang", [other])["success"] is False
    assert delivery_for("dt-zhang", [other, {"spaceId": bare, "success": False, "errorMsg": "x"}])["errorMsg"] == "x"
    assert delivery_for("dt-zhang", [])["success"] is False


@pytest.mark.parametrize("shape", [*DELIVER_SHAPES, None])
async def test_every_card_is_sent_whatever_shape_dingtalk_answers_in(
    shape: str | None, world: DingTalkWorld, container: Container, clock: ManualClock
) -> None:
    world.state.deliver_shape = shape  # None: a shape picked per call
    async with container.uow() as uow:
        for n in range(6):
            out_track_id = f"ack:n{n}:dt-zhang"
            await uow.send(ack_card(out_track_id, f"n{n}"))
        await uow.commit()
    await drain(relay(container, world, clock), clock)
    assert [(r.status, r.provider_message_id) for r in await rows(container)] == [
        (OutboxStatus.SENT, f"ack:n{n}:dt-zhang") for n in range(6)
    ]
    assert len(world.state.cards) == 6


async def test_the_sandbox_refuses_an_update_of_a_card_it_never_created(client: DingTalkClient) -> None:
    with pytest.raises(DingTalkError) as refused:
        await client.update_card(out_track_id="never-created", card_data={"status": "x"})
    assert refused.value.code == "param.outTrackIdNotExist"


async def test_an_update_waits_for_its_create_and_a_late_create_carries_the_latest_data(
    world: DingTalkWorld, container: Container, clock: ManualClock
) -> None:
    out_track_id = "ack:n1:dt-zhang"
    async with container.uow() as uow:
        await uow.send(ack_card(out_track_id, "n1"))
        await uow.commit()
    async with container.uow() as uow:  # queued before the create went out
        await uow.send(CardUpdate(recipient="dt-zhang", out_track_id=out_track_id, card_data={"status": "已确认"}))
        await uow.commit()
    the_relay = relay(container, world, clock)
    assert await the_relay.run_once() == 1  # the create only: its update waits
    create = next(b for m, p, b in world.state.bodies if p.endswith("createAndDeliver"))
    assert create["cardData"]["cardParamMap"]["status"] == "已确认"  # created as it is now
    await drain(the_relay, clock)
    assert [r.status for r in await rows(container)] == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert world.state.cards[out_track_id].params["status"] == "已确认"


async def test_an_update_of_a_card_never_created_is_a_dead_letter_logged_once_and_a_replay_sends_it_as_it_is_now(
    world: DingTalkWorld, container: Container, clock: ManualClock, caplog: pytest.LogCaptureFixture
) -> None:
    from handlers.outbox.replay_dead_letters import ReplayDeadLetters, replay_dead_letters

    out_track_id = "ack:n1:dt-zhang"
    world.state.departed.add("dt-zhang")  # gone from the organisation: DingTalk answers success: false
    async with container.uow() as uow:
        await uow.send(ack_card(out_track_id, "n1"))
        await uow.commit()
    the_relay = relay(container, world, clock)
    caplog.set_level(logging.WARNING, logger="bot.relay")
    await drain(the_relay, clock)
    async with container.uow() as uow:
        await uow.send(CardUpdate(recipient="dt-zhang", out_track_id=out_track_id, card_data={"status": "已确认"}))
        await uow.commit()
    await drain(the_relay, clock)
    create, update = await rows(container)
    assert (create.status, update.status) == (OutboxStatus.DEAD, OutboxStatus.DEAD)
    assert "never created" in (update.dead_reason or "")
    assert not any(p == "/v1.0/card/instances" for _, p, _ in world.state.bodies)  # not asked of DingTalk
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("dead letter")]
    assert lines == [
        f"dead letter: dingtalk.card #{create.id}: {create.dead_reason}",
        f"dead letter: dingtalk.card_update #{update.id}: {update.dead_reason}",
    ]

    world.state.departed.discard("dt-zhang")  # back (the cause is fixed); the operator replays every channel
    assert await replay_dead_letters(ReplayDeadLetters(everything=True), container.uow()) == [create.id, update.id]
    await drain(the_relay, clock)
    assert [r.status for r in await rows(container)] == [OutboxStatus.SENT, OutboxStatus.SENT]
    assert world.state.cards[out_track_id].params["status"] == "已确认"  # the card as it is now


async def test_a_completion_finds_its_todo_and_a_todo_completed_before_it_went_out_is_never_created(
    world: DingTalkWorld, container: Container, clock: ManualClock
) -> None:
    create = TodoCreate(recipient="dt-zhang", source_id="t1", subject="审核需求")
    async with container.uow() as uow:
        await uow.send(create)
        await uow.commit()
    the_relay = relay(container, world, clock)
    assert await the_relay.run_once() == 1
    async with container.uow() as uow:  # t1's completion without its id; t2 completed before it was created
        await uow.send(TodoComplete(recipient="dt-zhang", source_id="t1"))
        await uow.send(replace(create, source_id="t2"))
        await uow.send(TodoComplete(recipient="dt-zhang", source_id="t2"))
        await uow.commit()
    await drain(the_relay, clock)
    [todo] = world.state.todos.values()
    assert todo["sourceId"] == "t1" and todo["done"] is True
    assert [(r.status, r.delivery_status) for r in await rows(container)] == [
        (OutboxStatus.SENT, "accepted"),
        (OutboxStatus.SENT, "accepted"),
        (OutboxStatus.SENT, "not_needed"),
        (OutboxStatus.SENT, "no_todo"),
    ]
