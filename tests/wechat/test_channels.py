"""The client and relay channels against the WeChat sandbox, with our webhook answering its pushes."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import select

from bot.wechat.client import InvalidCode, MiniProgramClient, TokenInvalid, WeChatClient, WeChatError
from bot.wechat.clients import wechat_clients
from bot.wechat.config import resolve_wechat_config
from cards.expert_digest import digest_template
from cards.template_messages import EXPERT_DIGEST
from handlers.clock import ManualClock
from store.models.audit import AuditPersonalField
from store.models.outbox import OutboxStatus
from store.models.wechat import WeChatFollower, WeChatTemplateReport
from tests.wechat.sandboxed import Service

WX = "/sandbox/wechat"
TEMPLATE = {"template_id": "TPL_DIGEST", "data": {"thing1": {"value": "今日新增 3 条匹配需求"}}}


async def _follower(service: Service, openid: str) -> WeChatFollower | None:
    async with service.container.sessionmaker() as session:
        query = select(WeChatFollower).where(WeChatFollower.openid == openid)
        return (await session.execute(query)).scalar_one_or_none()


def _client(service: Service) -> WeChatClient:
    config = resolve_wechat_config(service.container.settings)
    assert config is not None
    return WeChatClient(
        service.container.http,
        service.container.coordination,
        base_url=config.api_base_url,
        app_id=config.app_id,
        app_secret=config.app_secret,
    )


def _mini(service: Service) -> MiniProgramClient:
    clients = wechat_clients(service.container)
    assert clients is not None and clients.mini_program is not None
    return clients.mini_program


async def test_follow_with_scene_then_template_delivered_and_reported(service: Service) -> None:
    answer = await service.call("POST", f"{WX}/console/follow", {"person_id": "expert", "scene": "inv:42"})
    assert "欢迎关注" in answer["reply"]["Content"]
    follower = await _follower(service, "o-chen")
    assert follower is not None and follower.subscribed and follower.scene == "inv:42"
    for _ in range(100):  # the unionid is fetched after the answer
        follower = await _follower(service, "o-chen")
        if follower is not None and follower.unionid:
            break
        await asyncio.sleep(0.01)
    assert follower is not None and follower.unionid == "u-o-chen"

    row = await service.enqueue("wechat.template", "o-chen", TEMPLATE, key="2026-11-23:expert")
    assert await service.relay_once() == 1
    sent = await service.message(row)
    assert sent.status == OutboxStatus.SENT and sent.provider_message_id
    await service.call("POST", f"{WX}/__sandbox__/flush")  # the TEMPLATESENDJOBFINISH push
    assert (await service.message(row)).delivery_status == "delivered"
    assert service.container.sandbox is not None
    inbox = service.container.sandbox.inbox["expert"]
    assert any(i.channel == "wechat.template" and "今日新增" in i.body for i in inbox)


async def test_the_digest_passes_the_keyword_checks_and_chinese_in_a_character_string_is_refused(
    service: Service,
) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    digest = digest_template(
        template_id=EXPERT_DIGEST.default_id,
        first_title="芯片封装测试软件",
        count=1,
        business_date=date(2026, 11, 23),
        miniapp_app_id="wx-mini",
        page="pages/d",
        digest_id=1,
    )
    good = await service.enqueue("wechat.template", "o-chen", digest, key="digest-1")
    wrong = {
        "template_id": "TPL_OTHER",
        "data": {"thing1": {"value": "芯片"}, "character_string2": {"value": "1条新需求"}},
    }
    refused = await service.enqueue("wechat.template", "o-chen", wrong, key="digest-2")
    assert await service.relay_once() == 2
    assert (await service.message(good)).status == OutboxStatus.SENT
    dead = await service.message(refused)
    assert dead.status == OutboxStatus.DEAD
    assert dead.dead_reason is not None and "47003" in dead.dead_reason
    assert "data.character_string2.value invalid" in dead.dead_reason
    assert service.container.sandbox is not None
    [shown] = [i for i in service.container.sandbox.inbox["expert"] if i.channel == "wechat.template"]
    assert shown.title == "公众号模板消息 · 新需求提醒"
    assert shown.body.splitlines() == ["需求名称：芯片封装测试软件", "需求数量：1", "推送日期：2026年11月23日"]


@pytest.mark.parametrize("report_first", [False, True], ids=["report-after-answer", "report-before-answer"])
async def test_a_job_report_is_applied_whether_it_comes_before_or_after_the_relay_records_the_msgid(
    service: Service, report_first: bool
) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    await service.call("POST", f"{WX}/console/block-templates", {"person_id": "expert"})
    await service.call("POST", f"{WX}/__sandbox__/reports", {"before_answer": report_first})
    row = await service.enqueue("wechat.template", "o-chen", TEMPLATE, key="order-1")
    assert await service.relay_once() == 1
    if report_first:  # the webhook kept the report; the relay's channel applied it on recording the msgid
        sent = await service.message(row)
        assert sent.status == OutboxStatus.SENT and sent.delivery_status == "user_block"
    await service.call("POST", f"{WX}/__sandbox__/flush")
    sent = await service.message(row)
    assert (sent.status, sent.delivery_status) == (OutboxStatus.SENT, "user_block") and sent.provider_message_id
    async with service.container.sessionmaker() as session:
        assert (await session.scalars(select(WeChatTemplateReport))).all() == []


async def test_token_rejected_once_is_refetched_once_and_the_send_succeeds(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    client = _client(service)
    await client.access_token()
    await service.call("POST", f"{WX}/__sandbox__/faults", {"/cgi-bin/message/template/send": [40001]})
    row = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    assert (await service.message(row)).status == OutboxStatus.SENT
    sent = await service.call("GET", f"{WX}/__sandbox__/sent")
    assert sent["token_fetches"] == 2
    assert len([s for s in sent["sent"] if s["kind"] == "template"]) == 1


async def test_daily_quota_pauses_the_channel_and_raises_the_alert(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    await service.call("POST", f"{WX}/__sandbox__/quota", {"template_daily_cap": 0})
    labels = {"channel": "wechat.template"}
    before = REGISTRY.get_sample_value("kezhuan_channel_paused_total", labels) or 0.0
    row = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    assert REGISTRY.get_sample_value("kezhuan_channel_paused_total", labels) == before + 1
    held = await service.message(row)
    assert held.status == OutboxStatus.PENDING and "paused" in (held.last_error or "")
    local = service.container.clock.now().astimezone(ZoneInfo("Asia/Shanghai"))
    midnight = datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), ZoneInfo("Asia/Shanghai"))
    assert held.next_attempt_at == midnight
    assert await service.container.coordination.get("paused:wechat.template") == midnight.isoformat()


async def test_not_following_is_permanent_and_marks_the_follower(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    await service.call("POST", f"{WX}/__sandbox__/user", {"openid": "o-chen", "subscribed": False})  # push lost
    first = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    dead = await service.message(first)
    assert dead.status == OutboxStatus.DEAD and "43004" in (dead.dead_reason or "")
    follower = await _follower(service, "o-chen")
    assert follower is not None and not follower.subscribed and follower.unfollow_reason == "43004"
    second = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    refused = await service.message(second)
    assert refused.status == OutboxStatus.DEAD and "unfollowed" in (refused.dead_reason or "")
    sent = await service.call("GET", f"{WX}/__sandbox__/sent")
    assert sent["sent"] == []


async def test_unknown_openid_is_permanent_and_unfollow_event_stops_pushes(service: Service) -> None:
    stranger = await service.enqueue("wechat.template", "o-nobody", TEMPLATE)
    await service.relay_once()
    assert "40003" in ((await service.message(stranger)).dead_reason or "")
    await service.call("POST", f"{WX}/console/follow", {"person_id": "contact"})
    await service.call("POST", f"{WX}/console/unfollow", {"person_id": "contact"})
    row = await service.enqueue("wechat.custom", "o-liu", {"text": "您好"})
    await service.relay_once()
    assert "unfollowed" in ((await service.message(row)).dead_reason or "")


async def test_invalid_openid_marks_the_binding_broken_without_erasing_anything(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    await service.call("POST", f"{WX}/__sandbox__/faults", {"/cgi-bin/message/template/send": [40003]})
    first = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    dead = await service.message(first)
    assert dead.status == OutboxStatus.DEAD and "40003" in (dead.dead_reason or "")
    follower = await _follower(service, "o-chen")
    assert follower is not None and follower.subscribed and follower.unfollowed_at is None
    assert follower.unfollow_reason is None and follower.binding_error == "40003"
    async with service.container.sessionmaker() as session:  # nothing erased from the trail
        values = (await session.execute(select(AuditPersonalField.value))).scalars().all()
    assert values and None not in values
    second = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    assert "refused by the platform" in ((await service.message(second)).dead_reason or "")
    stranger = await service.enqueue("wechat.template", "o-nobody", TEMPLATE)
    await service.relay_once()
    assert "40003" in ((await service.message(stranger)).dead_reason or "")
    assert await _follower(service, "o-nobody") is None  # no follower invented for an unknown openid
    clock = service.container.clock
    assert isinstance(clock, ManualClock)
    clock.advance(5)
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})  # a follow proves the openid
    follower = await _follower(service, "o-chen")
    assert follower is not None and follower.binding_error is None
    await service.call("POST", f"{WX}/__sandbox__/flush")


async def test_customer_service_needs_the_48_hour_window(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    clock = service.container.clock
    assert isinstance(clock, ManualClock)
    clock.advance(120)  # the follow's one-minute window has passed
    late = await service.enqueue("wechat.custom", "o-chen", {"text": "您好"})
    await service.relay_once()
    assert "45015" in ((await service.message(late)).dead_reason or "")
    answer = await service.call("POST", f"{WX}/console/text", {"person_id": "expert", "content": "帮助"})
    assert "16:00" in answer["reply"]["Content"]
    ok = await service.enqueue("wechat.custom", "o-chen", {"text": "已为您查询到 2 条需求"})
    await service.relay_once()
    assert (await service.message(ok)).status == OutboxStatus.SENT


async def test_client_user_info_qrcode_menu_and_one_shot_codes(service: Service) -> None:
    client = _client(service)
    qr = await client.create_temporary_qrcode("inv:7", expire_seconds=3600)
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert", "ticket": qr["ticket"]})
    info = await client.user_info("o-chen")
    assert info["subscribe"] == 1 and info["qr_scene_str"] == "inv:7" and info["unionid"]
    follower = await _follower(service, "o-chen")
    assert follower is not None and follower.scene == "inv:7"
    await client.create_menu({"button": [{"type": "click", "name": "帮助", "key": "help"}]})
    clicked = await service.call("POST", f"{WX}/console/click", {"person_id": "expert", "key": "help"})
    assert "16:00" in clicked["reply"]["Content"]
    mini = _mini(service)
    code = (await service.call("POST", f"{WX}/console/login-code", {"person_id": "expert"}))["code"]
    session = await mini.jscode2session(code)
    assert session["unionid"] == info["unionid"] and "session_key" in session
    try:
        await mini.jscode2session(code)
        raise AssertionError("a login code works once")
    except InvalidCode as exc:
        assert exc.errcode == 40163
    phone_code = (await service.call("POST", f"{WX}/console/phone-code", {"person_id": "expert"}))["code"]
    phone = await mini.get_user_phone_number(phone_code)
    assert phone["purePhoneNumber"] == "13800000005"


async def test_mini_program_calls_refuse_the_official_accounts_credentials(service: Service) -> None:
    official = _client(service)
    # The official account's appid and secret, or its token, dressed up as the mini-program's.
    posing = MiniProgramClient(
        service.container.http,
        service.container.coordination,
        base_url=official.base_url,
        app_id=official.app_id,
        app_secret=official._secret,
    )
    code = (await service.call("POST", f"{WX}/console/login-code", {"person_id": "expert"}))["code"]
    with pytest.raises(WeChatError) as wrong_app:
        await posing.jscode2session(code)
    assert wrong_app.value.errcode == 40013
    phone_code = (await service.call("POST", f"{WX}/console/phone-code", {"person_id": "expert"}))["code"]
    with pytest.raises(TokenInvalid) as wrong_token:
        await posing.get_user_phone_number(phone_code)
    assert wrong_token.value.errcode == 40001
    mini = _mini(service)
    assert mini.app_id != official.app_id and mini._token_name != official._token_name
    assert (await mini.jscode2session(code))["openid"] == "mini-o-chen"  # the refused code was not spent


async def test_console_offers_follow_and_its_actions_work(service: Service) -> None:
    assert service.container.sandbox is not None
    offer = next(i for i in service.container.sandbox.inbox["expert"] if i.channel == "wechat.official_account")
    follow = next(a for a in offer.actions if a["label"] == "扫邀请二维码关注")
    answer = await service.call("POST", f"/sandbox{follow['url']}", follow["body"])
    assert "欢迎关注" in answer["reply"]["Content"]
    follower = await _follower(service, "o-chen")
    assert follower is not None and follower.scene == "inv:demo"
    reply = service.container.sandbox.inbox["expert"][-1]
    assert reply.channel == "wechat.reply" and any(a["label"] == "取消关注" for a in reply.actions)
    unfollow = next(a for a in reply.actions if a["label"] == "取消关注")
    await service.call("POST", f"/sandbox{unfollow['url']}", unfollow["body"])
    follower = await _follower(service, "o-chen")
    assert follower is not None and not follower.subscribed


async def test_client_msg_id_makes_a_resend_return_the_first_msgid(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    client = _client(service)
    first = await client.send_template("o-chen", "TPL", {"a": {"value": "1"}}, client_msg_id="day:1")
    again = await client.send_template("o-chen", "TPL", {"a": {"value": "1"}}, client_msg_id="day:1")
    other = await client.send_template("o-chen", "TPL", {"a": {"value": "1"}}, client_msg_id="day:2")
    assert first == again != other
    await service.call("POST", f"{WX}/__sandbox__/flush")


async def test_a_token_rejected_twice_is_not_retried_in_a_loop(service: Service) -> None:
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    await service.call("POST", f"{WX}/__sandbox__/faults", {"/cgi-bin/message/template/send": [40001, 40001]})
    row = await service.enqueue("wechat.template", "o-chen", TEMPLATE)
    await service.relay_once()
    held = await service.message(row)
    assert held.status == OutboxStatus.PENDING and "40001" in (held.last_error or "")
    assert (await service.call("GET", f"{WX}/__sandbox__/sent"))["token_fetches"] == 2
