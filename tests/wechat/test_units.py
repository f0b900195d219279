"""Small pure pieces: error mapping, the router, inbox keys and the reply deadline."""

from __future__ import annotations

import asyncio

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.wechat import client as wx
from bot.wechat.config import WeChatConfig, message_mode
from bot.wechat.listeners import help_menu
from bot.wechat.router import InboundMessage, MessageRouter
from bot.wechat.webhook import WeChatWebhook
from cards.official_account import HELP_TEXT
from handlers.clock import ManualClock
from handlers.wechat.record_template_delivery import delivery_status
from tests.wechat.pushes import AES_KEY, APP_ID, TOKEN, plain_push, text_xml


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        (40001, wx.TokenInvalid),
        (42001, wx.TokenInvalid),
        (43004, wx.NotFollowing),
        (40003, wx.InvalidOpenid),
        (40037, wx.InvalidTemplate),
        (47003, wx.InvalidArgument),
        (45009, wx.DailyQuotaExceeded),
        (45015, wx.OutOfWindow),
        (43101, wx.UserRefused),
        (40029, wx.InvalidCode),
        (40163, wx.InvalidCode),
        (40226, wx.RiskBlocked),
        (-1, wx.Busy),
        (99999, wx.WeChatError),
    ],
)
def test_errcodes_map_to_typed_errors(code: int, kind: type[wx.WeChatError]) -> None:
    error = wx.error_for(code, "msg rid: 1")
    assert type(error) is kind and error.errcode == code


def test_job_finish_statuses() -> None:
    assert delivery_status("success") == "delivered"
    assert delivery_status("failed:user block") == "user_block"
    assert delivery_status("failed: system failed") == "system_failed"
    assert delivery_status("failed:freq limit") == "failed:failed:freq limit"[:32]


def _message(**fields: str) -> InboundMessage:
    base = {"ToUserName": "gh", "FromUserName": "o1", "CreateTime": "100", "MsgType": "event"}
    return InboundMessage.from_fields(APP_ID, {**base, **fields})


def test_inbox_keys_and_scenes() -> None:
    assert _message(Event="subscribe").inbox_key == f"{APP_ID}:ev:o1:100:subscribe"
    assert _message(MsgType="text", MsgId="77").inbox_key == f"{APP_ID}:msg:77"
    assert _message(Event="TEMPLATESENDJOBFINISH", MsgID="9").inbox_key == f"{APP_ID}:ev:templatesendjobfinish:9"
    assert _message(Event="subscribe", EventKey="qrscene_inv:1").scene == "inv:1"
    assert _message(Event="subscribe", EventKey="").scene is None
    assert _message(Event="SCAN", EventKey="inv:2").scene == "inv:2"


async def test_router_prefers_keyword_then_text_and_menu_by_key() -> None:
    router = MessageRouter()

    @router.keyword("帮助")
    async def helped(_m: InboundMessage) -> str | None:
        return "help"

    @router.text
    async def other(_m: InboundMessage) -> str | None:
        return "other"

    @router.menu("k1")
    async def menu(_m: InboundMessage) -> str | None:
        return "menu"

    assert await router.dispatch(_message(MsgType="text", Content=" 帮助 ")) == "help"
    assert await router.dispatch(_message(MsgType="text", Content="你好")) == "other"
    assert await router.dispatch(_message(Event="CLICK", EventKey="k1")) == "menu"
    assert await router.dispatch(_message(Event="CLICK", EventKey="k2")) is None
    assert await router.dispatch(_message(MsgType="image")) is None


async def test_an_answer_from_memory_is_given_even_with_no_time_left_while_an_effect_gets_success() -> None:
    """帮助 is marked immediate (no side effect, no round trip): it is answered in the request itself, so even
    a deadline already past does not turn it into `success`; a listener with an effect gets the deadline."""
    router = MessageRouter()
    help_menu.register(router)
    effects = MessageRouter()

    @effects.keyword("签到")
    async def slow(_m: InboundMessage) -> str | None:
        await asyncio.sleep(0.05)
        return "已签到"

    router.include(effects)
    config = WeChatConfig(
        "http://127.0.0.1:9", APP_ID, "s", TOKEN, (AES_KEY,), reply_deadline_seconds=0.0, message_mode="compatible"
    )
    webhook = WeChatWebhook(config, router, ManualClock())
    app = web.Application()
    app.router.add_post("/cb", webhook.handle)
    async with TestClient(TestServer(app)) as client:
        answers = [("帮助", HELP_TEXT.splitlines()[0]), ("签到", "success")]
        for msg_id, (content, expected) in enumerate(answers, start=1):
            push = plain_push(text_xml("o1", content, at=1, msg_id=msg_id))
            response = await client.post("/cb", params=push.params, data=push.body)
            assert expected in await response.text()
        await webhook.drain()


async def test_a_slow_listener_gets_success_in_time_and_still_finishes() -> None:
    finished = asyncio.Event()
    router = MessageRouter()

    @router.text
    async def slow(_m: InboundMessage) -> str | None:
        await asyncio.sleep(0.2)
        finished.set()
        return "too late"

    config = WeChatConfig(
        "http://127.0.0.1:9", APP_ID, "s", TOKEN, (AES_KEY,), reply_deadline_seconds=0.05, message_mode="compatible"
    )
    webhook = WeChatWebhook(config, router, ManualClock())
    app = web.Application()
    app.router.add_post("/cb", webhook.handle)
    async with TestClient(TestServer(app)) as client:
        push = plain_push(text_xml("o1", "hi", at=1, msg_id=1))
        response = await client.post("/cb", params=push.params, data=push.body)
        assert await response.text() == "success"
        assert not finished.is_set()
        await webhook.drain()
        assert finished.is_set()
        # A client that closes the connection once answered (aiohttp then cancels the request) does not stop it.
        finished.clear()
        push = plain_push(text_xml("o1", "hi", at=1, msg_id=2))
        response = await client.post("/cb", params=push.params, data=push.body, headers={"Connection": "close"})
        assert await response.text() == "success"
        await asyncio.sleep(0.05)  # the server sees the connection go
        assert not finished.is_set()
        await webhook.drain()
        assert finished.is_set()


async def test_a_listener_failing_after_the_deadline_is_answered_success_and_its_failure_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    router = MessageRouter()

    @router.text
    async def slow_then_broken(_m: InboundMessage) -> str | None:
        await asyncio.sleep(0.2)
        raise RuntimeError("listener broke after the answer")

    @router.keyword("帮助")
    async def instant(_m: InboundMessage) -> str | None:
        return "help"

    config = WeChatConfig(
        "http://127.0.0.1:9", APP_ID, "s", TOKEN, (AES_KEY,), reply_deadline_seconds=0.05, message_mode="compatible"
    )
    webhook = WeChatWebhook(config, router, ManualClock())
    app = web.Application()
    app.router.add_post("/cb", webhook.handle)
    async with TestClient(TestServer(app)) as client:
        push = plain_push(text_xml("o1", "hi", at=1, msg_id=1))
        response = await client.post("/cb", params=push.params, data=push.body)
        assert (response.status, await response.text()) == (200, "success")
        await webhook.drain()
        assert "late wechat work failed" in caplog.text
        assert "listener broke after the answer" in caplog.text
        # The connection goes on serving: the next push is answered by its listener.
        push = plain_push(text_xml("o1", "帮助", at=1, msg_id=2))
        response = await client.post("/cb", params=push.params, data=push.body)
        assert "<Content><![CDATA[help]]></Content>" in await response.text()


def test_message_mode_is_safe_whenever_a_key_is_configured() -> None:
    assert message_mode("", (AES_KEY,)) == "safe"
    assert message_mode("", ()) == "plain"
    assert message_mode("Compatible", (AES_KEY,)) == "compatible"
    for bad, keys in (("safe", ()), ("compatible", ()), ("raw", (AES_KEY,))):
        with pytest.raises(ValueError):
            message_mode(bad, keys)
