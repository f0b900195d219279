"""The callback: handshake, plain and safe mode, forged pushes, duplicates and follow state."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient
from sqlalchemy import func, select
from werobot.crypto import MessageCrypt

from bot.bootstrap import Container
from bot.wechat.crypto import parse_xml
from cards.official_account import HELP_TEXT, WELCOME_TEXT
from cards.outbound import WeChatTemplate
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from handlers.wechat.prune_inbox import prune_inbox
from handlers.wechat.record_template_delivery import REPORT_KEEP, prune_kept_reports
from handlers.wechat.record_template_sent import RecordTemplateSent, record_template_sent
from store.models.audit import AuditEntry, AuditPersonalField
from store.models.outbox import OutboxMessage
from store.models.wechat import WeChatFollower, WeChatInbox, WeChatTemplateReport
from tests.wechat.pushes import (
    AES_KEY,
    APP_ID,
    NOW,
    OLD_AES_KEY,
    TOKEN,
    event_xml,
    plain_push,
    safe_push,
    sign,
    text_xml,
)

Client = TestClient[web.Request, web.Application]
URL = "/wechat/callback"


async def _count(container: Container, model: Any) -> int:
    async with container.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(model))).scalar_one())


async def _follower(container: Container, openid: str) -> WeChatFollower | None:
    async with container.sessionmaker() as session:
        query = select(WeChatFollower).where(WeChatFollower.openid == openid)
        return (await session.execute(query)).scalar_one_or_none()


async def _subscribe(client: Client, openid: str, *, at: int = NOW) -> None:
    push = safe_push(event_xml(openid, "subscribe", at=at), nonce=f"sub-{openid}-{at}")
    assert (await client.post(URL, params=push.params, data=push.body)).status == 200


def _open_reply(body: str, params: dict[str, str], key: str = AES_KEY) -> dict[str, str]:
    envelope = parse_xml(body)
    assert envelope["MsgSignature"] == sign(TOKEN, envelope["TimeStamp"], envelope["Nonce"], envelope["Encrypt"])
    assert envelope["Nonce"] == params["nonce"]
    plain = MessageCrypt(TOKEN, key, APP_ID).decrypt_message(
        envelope["TimeStamp"], envelope["Nonce"], envelope["MsgSignature"], envelope["Encrypt"]
    )
    return parse_xml(plain)


async def test_handshake_returns_echostr_verbatim(wx_client: Client) -> None:
    params = {
        "signature": sign(TOKEN, "1714036504", "1514711492"),
        "timestamp": "1714036504",
        "nonce": "1514711492",
        "echostr": "7523411212345678901",
    }
    response = await wx_client.get(URL, params=params)
    assert response.status == 200
    assert await response.text() == "7523411212345678901"
    forged = await wx_client.get(URL, params={**params, "signature": "0" * 40})
    assert forged.status == 403


async def test_safe_mode_subscribe_encrypted_independently_is_recorded_and_welcomed(
    wx_client: Client, wx_container: Container
) -> None:
    push = safe_push(event_xml("o-chen", "subscribe", at=NOW, EventKey="qrscene_inv:42", Ticket="t"))
    response = await wx_client.post(URL, params=push.params, data=push.body)
    assert response.status == 200
    reply = _open_reply(await response.text(), push.params)
    assert reply["Content"] == WELCOME_TEXT
    assert reply["ToUserName"] == "o-chen" and reply["MsgType"] == "text"
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and follower.subscribed and follower.scene == "inv:42"
    assert await _count(wx_container, AuditEntry) == 1


async def test_werobot_encrypted_push_is_accepted(wx_client: Client, wx_container: Container) -> None:
    envelope = parse_xml(
        MessageCrypt(TOKEN, AES_KEY, APP_ID).encrypt_message(
            event_xml("o-liu", "subscribe", at=NOW - 60), str(NOW - 60), "werobot1"
        )
    )
    push = safe_push("", encrypted=envelope["Encrypt"], timestamp=str(NOW - 60), nonce="werobot1")
    response = await wx_client.post(URL, params=push.params, data=push.body)
    assert _open_reply(await response.text(), push.params)["Content"] == WELCOME_TEXT
    assert (await _follower(wx_container, "o-liu")) is not None


async def test_forged_signature_gets_403_and_nothing_is_recorded(wx_client: Client, wx_container: Container) -> None:
    xml = event_xml("o-mallory", "subscribe", at=NOW)
    good = safe_push(xml)
    for params in (
        {**good.params, "msg_signature": "0" * 40},
        {**good.params, "signature": sign("wrong-token", str(NOW), "1514711492")},
        {k: v for k, v in good.params.items() if k != "signature"},
    ):
        response = await wx_client.post(URL, params=params, data=good.body)
        assert response.status == 403
    forged_plain = plain_push(xml, token="wrong-token")
    assert (await wx_client.post(URL, params=forged_plain.params, data=forged_plain.body)).status == 403
    for model in (WeChatFollower, WeChatInbox, AuditEntry):
        assert await _count(wx_container, model) == 0


async def test_side_effect_pushed_three_times_has_one_effect(wx_client: Client, wx_container: Container) -> None:
    xml = event_xml("o-chen", "subscribe", at=NOW, EventKey="qrscene_inv:7")
    for nonce in ("1", "2", "3"):  # WeChat's retries: same message, fresh signature parameters
        push = safe_push(xml, nonce=nonce)
        response = await wx_client.post(URL, params=push.params, data=push.body)
        assert response.status == 200
        assert _open_reply(await response.text(), push.params)["Content"] == WELCOME_TEXT
    assert await _count(wx_container, WeChatFollower) == 1
    assert await _count(wx_container, WeChatInbox) == 1
    assert await _count(wx_container, AuditEntry) == 1


async def test_help_keyword_gets_an_encrypted_reply_without_writing(wx_client: Client, wx_container: Container) -> None:
    push = safe_push(text_xml("o-chen", " 帮助 ", at=NOW, msg_id=6054768590064713728))
    response = await wx_client.post(URL, params=push.params, data=push.body)
    assert response.headers["Content-Type"].startswith("application/xml")
    assert _open_reply(await response.text(), push.params)["Content"] == HELP_TEXT
    assert await _count(wx_container, WeChatInbox) == 0


async def test_previous_key_is_accepted_during_rotation(wx_client: Client) -> None:
    push = safe_push(text_xml("o-chen", "帮助", at=NOW, msg_id=1), key=OLD_AES_KEY)
    response = await wx_client.post(URL, params=push.params, data=push.body)
    assert _open_reply(await response.text(), push.params, key=OLD_AES_KEY)["Content"] == HELP_TEXT


async def test_plain_pushes_in_compatible_mode_and_unreadable_bodies(compatible_client: Client) -> None:
    push = plain_push(text_xml("o-chen", "help", at=NOW, msg_id=2))
    response = await compatible_client.post(URL, params=push.params, data=push.body)
    assert parse_xml(await response.text())["Content"] == HELP_TEXT
    view = plain_push(event_xml("o-chen", "VIEW", at=NOW, EventKey="https://example.invalid"))
    assert await (await compatible_client.post(URL, params=view.params, data=view.body)).text() == "success"
    junk = plain_push("<xml><open></xml>")
    assert (await compatible_client.post(URL, params=junk.params, data=junk.body)).status == 400


async def test_safe_mode_refuses_a_plaintext_push_under_a_valid_signature(
    wx_client: Client, wx_container: Container
) -> None:
    # Someone who saw one signed callback URL swaps in their own body: the signature does not cover it.
    await _subscribe(wx_client, "o-chen")
    forged = plain_push(event_xml("o-chen", "unsubscribe", at=NOW), nonce="seen-once")
    response = await wx_client.post(URL, params=forged.params, data=forged.body)
    assert response.status == 403
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and follower.subscribed
    assert await _count(wx_container, WeChatInbox) == 1


async def test_a_push_outside_the_timestamp_window_is_refused_and_not_recorded(
    wx_client: Client, wx_container: Container, compatible_client: Client
) -> None:
    for at in (NOW - 301, NOW + 301):
        stale = safe_push(event_xml("o-chen", "subscribe", at=at), timestamp=str(at))
        assert (await wx_client.post(URL, params=stale.params, data=stale.body)).status == 403
        plain = plain_push(event_xml("o-chen", "subscribe", at=at), timestamp=str(at))
        assert (await compatible_client.post(URL, params=plain.params, data=plain.body)).status == 403
    unparsable = safe_push(event_xml("o-chen", "subscribe", at=NOW), timestamp="soon")
    assert (await wx_client.post(URL, params=unparsable.params, data=unparsable.body)).status == 403
    for model in (WeChatFollower, WeChatInbox, AuditEntry):
        assert await _count(wx_container, model) == 0
    fresh = safe_push(event_xml("o-chen", "subscribe", at=NOW - 299), timestamp=str(NOW - 299))
    assert (await wx_client.post(URL, params=fresh.params, data=fresh.body)).status == 200


async def test_unsubscribe_marks_the_follower_and_a_later_follow_restores(
    wx_client: Client, wx_container: Container
) -> None:
    for at, event in ((NOW, "subscribe"), (NOW + 96, "unsubscribe")):
        push = safe_push(event_xml("o-chen", event, at=at))
        response = await wx_client.post(URL, params=push.params, data=push.body)
        assert response.status == 200
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and not follower.subscribed and follower.unfollow_reason == "unsubscribe"
    async with wx_container.sessionmaker() as session:  # the leaver's values are erased from the trail
        values = (await session.execute(select(AuditPersonalField.value))).scalars().all()
    assert values == [None]
    report = await verify_audit_chain(wx_container.uow(), wx_container.anchors)
    assert report.ok and report.entries == 2, report.findings
    assert await (await wx_client.post(URL, params=push.params, data=push.body)).text() == "success"
    again = safe_push(event_xml("o-chen", "subscribe", at=NOW + 196))
    await wx_client.post(URL, params=again.params, data=again.body)
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and follower.subscribed and follower.unfollowed_at is None
    assert await _count(wx_container, AuditEntry) == 3


async def test_a_follow_arriving_after_a_later_unfollow_is_ignored(wx_client: Client, wx_container: Container) -> None:
    # Arrival order is not event order: another instance, or a listener past the deadline, may lag.
    await _subscribe(wx_client, "o-chen", at=NOW - 100)
    unfollow = safe_push(event_xml("o-chen", "unsubscribe", at=NOW - 10), nonce="u")
    assert (await wx_client.post(URL, params=unfollow.params, data=unfollow.body)).status == 200
    late = safe_push(event_xml("o-chen", "subscribe", at=NOW - 20, EventKey="qrscene_inv:9"), nonce="late")
    response = await wx_client.post(URL, params=late.params, data=late.body)
    assert response.status == 200 and await response.text() == "success"
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and not follower.subscribed and follower.scene is None
    async with wx_container.sessionmaker() as session:  # nothing of theirs is back in the trail
        values = (await session.execute(select(AuditPersonalField.value))).scalars().all()
    assert values == [None]
    assert await _count(wx_container, AuditEntry) == 2
    assert await _count(wx_container, WeChatInbox) == 3  # the stale push is kept: its retries stay no-ops
    stale_unfollow = safe_push(event_xml("o-chen", "unsubscribe", at=NOW - 50), nonce="old")
    await _subscribe(wx_client, "o-chen", at=NOW)
    assert (await wx_client.post(URL, params=stale_unfollow.params, data=stale_unfollow.body)).status == 200
    follower = await _follower(wx_container, "o-chen")
    assert follower is not None and follower.subscribed


async def test_template_job_finish_updates_the_message_it_reports(wx_client: Client, wx_container: Container) -> None:
    async with wx_container.uow() as uow:
        for _ in range(2):
            await uow.send(WeChatTemplate(recipient="o-chen", template_id="TPL", data={}))
        await uow.commit()
    async with wx_container.sessionmaker() as session, session.begin():
        rows = (await session.execute(select(OutboxMessage).order_by(OutboxMessage.id))).scalars().all()
        rows[0].provider_message_id, rows[1].provider_message_id = "200001", "200002"
    for msgid, status in (("200001", "success"), ("200002", "failed:user block")):
        push = safe_push(event_xml("o-chen", "TEMPLATESENDJOBFINISH", at=NOW, MsgID=msgid, Status=status))
        assert await (await wx_client.post(URL, params=push.params, data=push.body)).text() == "success"
    async with wx_container.sessionmaker() as session:
        statuses = (
            await session.execute(
                select(OutboxMessage.provider_message_id, OutboxMessage.delivery_status).order_by(OutboxMessage.id)
            )
        ).all()
    assert [tuple(r) for r in statuses] == [("200001", "delivered"), ("200002", "user_block")]


async def _report(client: Client, msgid: str, status: str = "success", *, nonce: str = "r", at: int = NOW) -> None:
    push = safe_push(event_xml("o-chen", "TEMPLATESENDJOBFINISH", at=at, MsgID=msgid, Status=status), nonce=nonce)
    response = await client.post(URL, params=push.params, data=push.body)
    assert response.status == 200 and await response.text() == "success"


async def _template_row(container: Container) -> int:
    async with container.uow() as uow:
        row_id = await uow.send(WeChatTemplate(recipient="o-chen", template_id="TPL", data={}))
        await uow.commit()
    return row_id


async def _delivery(container: Container, row_id: int) -> tuple[str | None, str | None]:
    async with container.sessionmaker() as session:
        row = await session.get_one(OutboxMessage, row_id)
        return row.provider_message_id, row.delivery_status


async def test_a_report_that_comes_before_its_msgid_is_recorded_is_kept_and_applied_when_it_is(
    wx_client: Client, wx_container: Container, caplog: pytest.LogCaptureFixture
) -> None:
    # WeChat is not documented to resend a report it got an error for: an early one is acknowledged and kept.
    row = await _template_row(wx_container)
    with caplog.at_level(logging.INFO, logger="bot.wechat.listeners"):
        await _report(wx_client, "300001", "failed:user block")
    assert await _count(wx_container, WeChatTemplateReport) == 1
    assert await _delivery(wx_container, row) == (None, None)
    assert any(getattr(r, "msgid", None) == "300001" for r in caplog.records)
    assert all("o-chen" not in str(vars(r)) for r in caplog.records)

    assert await record_template_sent(RecordTemplateSent(row, "300001"), wx_container.uow()) == "user_block"
    assert await _delivery(wx_container, row) == ("300001", "user_block")
    assert await _count(wx_container, WeChatTemplateReport) == 0
    # Recording it again (a relay retry after the platform's client_msg_id repeat) applies nothing twice.
    assert await record_template_sent(RecordTemplateSent(row, "300001"), wx_container.uow()) is None
    assert await _delivery(wx_container, row) == ("300001", "user_block")


async def test_a_report_that_comes_after_its_msgid_is_recorded_is_applied_at_once(
    wx_client: Client, wx_container: Container
) -> None:
    row = await _template_row(wx_container)
    assert await record_template_sent(RecordTemplateSent(row, "300002"), wx_container.uow()) is None
    await _report(wx_client, "300002")
    assert await _delivery(wx_container, row) == ("300002", "delivered")
    assert await _count(wx_container, WeChatTemplateReport) == 0


async def test_reports_and_msgid_records_racing_each_other_are_each_applied_once(
    wx_client: Client, wx_container: Container
) -> None:
    # Each side writes, commits, then looks for the other: whatever the interleaving, one of them finds it.
    rows = [await _template_row(wx_container) for _ in range(12)]
    report_statuses = ["success", "failed:user block"] * 6
    await asyncio.gather(
        *(
            step
            for i, row in enumerate(rows)
            for step in (
                _report(wx_client, f"40{i:04d}", report_statuses[i], nonce=f"race-{i}"),
                record_template_sent(RecordTemplateSent(row, f"40{i:04d}"), wx_container.uow()),
            )
        )
    )
    expected = [(f"40{i:04d}", "delivered" if i % 2 == 0 else "user_block") for i in range(12)]
    assert [await _delivery(wx_container, row) for row in rows] == expected
    assert await _count(wx_container, WeChatTemplateReport) == 0


async def test_a_report_kept_for_a_message_never_recorded_is_dropped_after_a_week(
    wx_client: Client, wx_container: Container, clock: ManualClock
) -> None:
    # A console send from the platform's backend: no message of ours will ever carry its msgid.
    await _report(wx_client, "998")
    await _report(wx_client, "998", nonce="retry")  # a repeat (another nonce, same CreateTime) is a no-op
    assert await _count(wx_container, WeChatInbox) == 1 and await _count(wx_container, WeChatTemplateReport) == 1
    assert await prune_kept_reports(wx_container.uow()) == []
    clock.advance(REPORT_KEEP.total_seconds() + 1)
    assert await prune_kept_reports(wx_container.uow()) == ["998"]
    assert await _count(wx_container, WeChatTemplateReport) == 0


async def test_old_inbox_keys_are_pruned(wx_client: Client, wx_container: Container) -> None:
    push = safe_push(event_xml("o-chen", "subscribe", at=NOW))
    await wx_client.post(URL, params=push.params, data=push.body)
    assert await prune_inbox(wx_container.uow()) == 0
    clock = wx_container.clock
    assert isinstance(clock, ManualClock)
    clock.advance(8 * 86400)
    assert await prune_inbox(wx_container.uow()) == 1
    assert await _count(wx_container, WeChatInbox) == 0


async def test_concurrent_retries_of_a_side_effect_have_one_effect(wx_client: Client, wx_container: Container) -> None:
    xml = event_xml("o-chen", "subscribe", at=NOW + 273, EventKey="qrscene_inv:8")
    pushes = [safe_push(xml, nonce=str(n)) for n in range(3)]
    responses = await asyncio.gather(*(wx_client.post(URL, params=p.params, data=p.body) for p in pushes))
    for push, response in zip(pushes, responses, strict=True):
        assert response.status == 200
        assert _open_reply(await response.text(), push.params)["Content"] == WELCOME_TEXT
    assert await _count(wx_container, WeChatFollower) == 1
    assert await _count(wx_container, WeChatInbox) == 1
    assert await _count(wx_container, AuditEntry) == 1
