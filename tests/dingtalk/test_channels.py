"""Relay channel adapters: one outbox row, one DingTalk call, failures mapped for the relay."""

from __future__ import annotations

import pytest

from bot.bootstrap import Container
from bot.channels.base import ChannelPaused, Deferred, OutboundMessage, PermanentError, TransientError
from bot.dingtalk.channels import CardChannel, RobotChannel, TodoChannel, WorkNoticeChannel
from bot.dingtalk.client import DingTalkClient
from bot.dingtalk.wiring import wire_dingtalk
from bot.relay import Relay
from cards.acknowledge import ACKNOWLEDGE_CARD, NoticeView, acknowledge_card
from cards.outbound import CardCreate, Channel
from handlers.clock import ManualClock
from sandbox.dingtalk.state import Fault
from store.models.outbox import OutboxMessage, OutboxStatus
from store.outbox import Outgoing
from tests.dingtalk.conftest import DingTalkWorld


def row(
    channel: str, recipient: str, payload: dict[str, object], *, key: str | None = None, id_: int = 1, attempt: int = 1
) -> OutboundMessage:
    return OutboundMessage(
        id=id_, channel=channel, recipient=recipient, payload=payload, platform_key=key, attempt=attempt
    )


def card_payload(notice_id: str = "n1") -> dict[str, object]:
    return {"template_id": ACKNOWLEDGE_CARD.id, "card_data": acknowledge_card(NoticeView(notice_id, "通知", "内容"))}


async def test_card_delivered_once_per_out_track_id(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    channel = CardChannel(client, container.clock, container.timezone)
    first = await channel.send(row("dingtalk.card", "dt-zhang", card_payload(), key="ack:n1:dt-zhang"))
    assert first.provider_message_id == "ack:n1:dt-zhang"
    # Another message with the same outTrackId on its first attempt: not ours to overwrite.
    with pytest.raises(PermanentError):
        await channel.send(row("dingtalk.card", "dt-zhang", card_payload(), key="ack:n1:dt-zhang", id_=2))
    assert len(world.sandbox.inbox["staff"]) == 1


async def test_card_retried_after_a_lost_answer_counts_as_delivered_and_gets_its_data(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    channel = CardChannel(client, container.clock, container.timezone)
    world.state.faults.append(Fault("500_after_acting", 1, path="createAndDeliver"))
    with pytest.raises(TransientError):  # created, but the answer was a 5xx
        await channel.send(row("dingtalk.card", "dt-zhang", card_payload(), key="ack:n1:dt-zhang"))
    world.state.cards["ack:n1:dt-zhang"].params["status"] = "已过期"  # changed meanwhile
    again = await channel.send(row("dingtalk.card", "dt-zhang", card_payload(), key="ack:n1:dt-zhang", attempt=2))
    assert again.provider_message_id == "ack:n1:dt-zhang"
    assert world.state.cards["ack:n1:dt-zhang"].params["status"] == "待确认"  # the message's data, set by PUT
    assert len(world.sandbox.inbox["staff"]) == 1


async def test_card_to_someone_outside_the_org_is_a_dead_letter(client: DingTalkClient, container: Container) -> None:
    channel = CardChannel(client, container.clock, container.timezone)
    with pytest.raises(PermanentError):
        await channel.send(row("dingtalk.card", "stranger", card_payload(), key="ack:n1:stranger"))


async def test_throttling_that_outlasts_the_client_retries_is_transient(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    world.state.faults.append(Fault("90002", 100))
    channel = RobotChannel(client, container.clock, container.timezone)
    with pytest.raises(TransientError):
        await channel.send(row("dingtalk.robot", "dt-zhang", {"msg_key": "sampleText", "msg_param": {"content": "x"}}))


async def test_repeated_work_notice_is_never_dropped(
    world: DingTalkWorld, client: DingTalkClient, container: Container, clock: ManualClock
) -> None:
    channel = WorkNoticeChannel(client, container.clock, container.timezone, container.coordination, daily_per_user=500)
    msg = {"msgtype": "text", "text": {"content": "您有一条需求待审核"}}
    await channel.send(row("dingtalk.work_notice", "dt-zhang", {"msg": msg, "record": "D-12"}, id_=1))
    clock.advance(1)
    await channel.send(
        row(
            "dingtalk.work_notice",
            "dt-zhang",
            {"msg": msg, "record": "D-12", "created_at": "2026-11-23T08:00:01+00:00"},
            id_=2,
        )
    )
    bodies = [item.body for item in world.sandbox.inbox["staff"]]
    assert bodies == [
        "您有一条需求待审核\n编号 D-12 · 通知 #1",
        "您有一条需求待审核\n编号 D-12 · 通知 #2 · 2026-11-23 16:00",
    ], "DingTalk would drop a twin"
    assert all(n["status"] == "delivered" for n in world.state.work_notices)


async def test_a_retried_work_notice_sends_the_same_content(
    world: DingTalkWorld, client: DingTalkClient, container: Container, clock: ManualClock
) -> None:
    channel = WorkNoticeChannel(client, container.clock, container.timezone, container.coordination, daily_per_user=500)
    message: dict[str, object] = {"msg": {"msgtype": "text", "text": {"content": "提醒"}}, "record": "D-1"}
    world.state.faults.append(Fault("500", 100, path="asyncsend"))
    with pytest.raises(TransientError):
        await channel.send(row("dingtalk.work_notice", "dt-zhang", message))
    world.state.faults.clear()
    clock.advance(90)  # the relay's next attempt, a while later
    await channel.send(row("dingtalk.work_notice", "dt-zhang", message))
    sent = [body["msg"] for _, path, body in world.state.bodies if path.endswith("asyncsend_v2")]
    assert len(sent) >= 2 and all(m == sent[0] for m in sent), "a retry must not look like a new notice"


async def test_work_notices_stop_at_the_daily_cap_instead_of_vanishing(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    channel = WorkNoticeChannel(client, container.clock, container.timezone, container.coordination, daily_per_user=2)
    for i in range(2):
        await channel.send(
            row(
                "dingtalk.work_notice", "dt-zhang", {"msg": {"msgtype": "text", "text": {"content": "提醒"}}}, id_=i + 1
            )
        )
    with pytest.raises(Deferred) as raised:
        await channel.send(
            row("dingtalk.work_notice", "dt-zhang", {"msg": {"msgtype": "text", "text": {"content": "提醒"}}}, id_=3)
        )
    # 2026-11-23 08:00 UTC is 16:00 in Shanghai: the message waits for local midnight, no attempt spent.
    assert raised.value.until.isoformat() == "2026-11-24T00:00:00+08:00"
    assert len(world.state.work_notices) == 2


async def test_a_refused_work_notice_does_not_use_up_the_daily_cap(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    channel = WorkNoticeChannel(client, container.clock, container.timezone, container.coordination, daily_per_user=1)
    message: dict[str, object] = {"msg": {"msgtype": "text", "text": {"content": "提醒"}}}
    world.state.faults.append(Fault("90002", 100, path="asyncsend"))
    with pytest.raises(TransientError):  # throttled: DingTalk did not act
        await channel.send(row("dingtalk.work_notice", "dt-zhang", message))
    world.state.faults.clear()
    await channel.send(row("dingtalk.work_notice", "dt-zhang", message))
    assert len(world.state.work_notices) == 1


async def test_todo_created_then_completed(world: DingTalkWorld, client: DingTalkClient, container: Container) -> None:
    channel = TodoChannel(client, container.clock, container.timezone)
    created = await channel.send(
        row("dingtalk.todo", "dt-zhang", {"op": "create", "subject": "审核需求 D-12", "source_id": "demand:12"})
    )
    assert created.provider_message_id is not None
    await channel.send(row("dingtalk.todo", "dt-zhang", {"op": "complete", "task_id": created.provider_message_id}))
    assert world.state.todos[created.provider_message_id]["done"] is True


async def test_monthly_quota_pauses_the_channel(
    world: DingTalkWorld, client: DingTalkClient, container: Container
) -> None:
    from bot.dingtalk.channels import translate
    from bot.dingtalk.errors import DingTalkQuotaExhausted

    with pytest.raises(ChannelPaused) as raised:
        translate(DingTalkQuotaExhausted(200, "90020", "quota"), now=container.clock.now(), timezone=container.timezone)
    assert raised.value.until.isoformat() == "2026-12-01T00:00:00+08:00"


async def test_relay_delivers_a_card_row_end_to_end(
    world: DingTalkWorld, container: Container, clock: ManualClock
) -> None:
    container.settings.dingtalk = world.settings()
    wire_dingtalk(container)
    assert {"dingtalk.card", "dingtalk.card_update", "dingtalk.work_notice", "dingtalk.robot", "dingtalk.todo"} <= set(
        container.channels
    )
    async with container.uow() as uow:
        await uow.send(
            CardCreate.from_payload(
                Outgoing(Channel.DINGTALK_CARD, "dt-zhao", card_payload("n9"), platform_key="ack:n9:dt-zhao")
            )
        )
        await uow.commit()
    relay = Relay(
        sessionmaker=container.sessionmaker,
        channels=container.channels,
        coordination=container.coordination,
        clock=clock,
        settings=container.settings.outbox,
        timezone=container.timezone,
    )
    assert await relay.run_once() == 1
    async with container.sessionmaker() as session:
        sent = await session.get(OutboxMessage, 1)
    assert sent is not None and sent.status == OutboxStatus.SENT
    assert sent.provider_message_id == "ack:n9:dt-zhao"
    [item] = world.sandbox.inbox["official"]
    assert item.channel == "dingtalk.card" and item.actions[0]["label"] == "确认收到"


async def test_malformed_payload_is_a_dead_letter_not_a_retry(client: DingTalkClient, container: Container) -> None:
    channel = WorkNoticeChannel(client, container.clock, container.timezone, container.coordination, daily_per_user=500)
    with pytest.raises(PermanentError):
        await channel.send(row("dingtalk.work_notice", "dt-zhang", {"text": "no msg"}))
    with pytest.raises(PermanentError):
        await channel.send(row("dingtalk.work_notice", "dt-zhang", {"msg": {"msgtype": "voice", "voice": {}}}))


def test_dingtalk_is_wired_only_when_configured_and_sandbox_mode_never_reaches_the_real_one() -> None:
    from bot.dingtalk.wiring import dingtalk_settings
    from bot.settings import Settings

    assert dingtalk_settings(Settings()) is None
    real = dingtalk_settings(Settings(dingtalk={"client_id": "dingabc", "client_secret": "s"}))
    assert real is not None and real.api_base_url == "https://api.dingtalk.com"
    # The welcome card's 进入工作台 opens the workbench this service hosts, at its public address, unless set.
    public = Settings(public_base_url="https://kz.example.cn", dingtalk={"client_id": "dingabc", "client_secret": "s"})
    assert (hosted := dingtalk_settings(public)) is not None
    assert hosted.workbench_page_url == "https://kz.example.cn/m/workbench/"
    elsewhere = public.model_copy(
        update={"dingtalk": public.dingtalk.model_copy(update={"workbench_page_url": "https://w.example.cn/"})}
    )
    assert (configured := dingtalk_settings(elsewhere)) is not None
    assert configured.workbench_page_url == "https://w.example.cn/"
    sandboxed = dingtalk_settings(Settings(sandbox=True, port=9000, dingtalk={"client_id": "dingabc"}))
    assert sandboxed is not None
    assert sandboxed.api_base_url == sandboxed.oapi_base_url == "http://127.0.0.1:9000/sandbox/dingtalk"
    assert sandboxed.client_id == "sandbox-app"
