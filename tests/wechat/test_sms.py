"""The SMS channel against the Aliyun-compatible sandbox: signature, per-number limit, receipts."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings, SmsSettings
from bot.sms.aliyun import rpc_signature
from handlers.clock import ManualClock
from sandbox.sms.credentials import SANDBOX_SMS
from store.models.outbox import OutboxStatus
from tests.wechat.sandboxed import Service, start_service

SMS = "/sandbox/sms"
NOTICE = {"template_code": "SMS_NOTICE", "params": {"text": "您有一条新的需求待对接"}}


@pytest.fixture
async def sms_service(settings: Settings, clock: ManualClock) -> AsyncIterator[Service]:
    async for started in start_service(settings, clock, sms=SmsSettings(per_number_daily_cap=2)):
        yield started


@pytest.fixture
async def roomy_sms(settings: Settings, clock: ManualClock) -> AsyncIterator[Service]:
    """The default per-number daily cap (50), which counts every try at the provider."""
    async for started in start_service(settings, clock):
        yield started


def test_rpc_signature_matches_the_documented_example() -> None:
    # Aliyun's signature guide example (DescribeRegions, secret "testsecret").
    params = {
        "AccessKeyId": "testid",
        "Action": "DescribeRegions",
        "Format": "XML",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf",
        "SignatureVersion": "1.0",
        "Timestamp": "2016-02-23T12:46:24Z",
        "Version": "2014-05-26",
    }
    assert rpc_signature(params, "testsecret", "GET") == "OLeaidS1JvxuMvnyHOwuJ+uX5qY="


async def test_sms_is_delivered_and_its_receipt_recorded(sms_service: Service) -> None:
    row = await sms_service.enqueue("sms", "13800000005", NOTICE)
    await sms_service.relay_once()
    sent = await sms_service.message(row)
    assert sent.status == OutboxStatus.SENT and sent.provider_message_id
    await sms_service.call("POST", f"{SMS}/__sandbox__/flush")
    assert (await sms_service.message(row)).delivery_status == "delivered"
    assert sms_service.container.sandbox is not None
    assert any(i.channel == "sms" and "新的需求" in i.body for i in sms_service.container.sandbox.inbox["expert"])


async def test_over_the_per_number_limit_is_refused_before_the_provider(
    sms_service: Service, clock: ManualClock
) -> None:
    rows = [await sms_service.enqueue("sms", "13800000005", NOTICE) for _ in range(3)]
    for _ in rows:
        await sms_service.relay_once()
        clock.advance(60)  # notifications to one number are spaced a minute apart
    statuses = [(await sms_service.message(r)).status for r in rows]
    assert statuses.count(OutboxStatus.SENT) == 2
    refused = [await sms_service.message(r) for r in rows if (await sms_service.message(r)).status != "sent"]
    assert len(refused) == 1 and refused[0].status == OutboxStatus.DEAD
    assert "per-number limit reached: at most 2 SMS per number per day" in (refused[0].dead_reason or "")
    assert "138****0005" in (refused[0].dead_reason or "")
    provider = await sms_service.call("GET", f"{SMS}/__sandbox__/sent")
    assert provider["requests"] == 2  # the third never reached the provider
    other = await sms_service.enqueue("sms", "13800000004", NOTICE)
    await sms_service.relay_once()
    assert (await sms_service.message(other)).status == OutboxStatus.SENT


async def test_provider_errors_are_classified(sms_service: Service, clock: ManualClock) -> None:
    bad_number = await sms_service.enqueue("sms", "12345", NOTICE)
    missing = await sms_service.enqueue("sms", "13800000004", {"template_code": "SMS_INVITE", "params": {}})
    await sms_service.relay_once()
    assert "isv.MOBILE_NUMBER_ILLEGAL" in ((await sms_service.message(bad_number)).dead_reason or "")
    assert "isv.TEMPLATE_MISSING_PARAMETERS" in ((await sms_service.message(missing)).dead_reason or "")
    first = await sms_service.enqueue("sms", "13800000006", code_payload(clock))
    await sms_service.relay_once()
    throttled = await sms_service.enqueue("sms", "13800000006", code_payload(clock))  # the provider's 1 a minute
    await sms_service.relay_once()
    assert (await sms_service.message(first)).status == OutboxStatus.SENT
    held = await sms_service.message(throttled)
    assert held.status == OutboxStatus.PENDING and "isv.BUSINESS_LIMIT_CONTROL" in (held.last_error or "")
    assert held.next_attempt_at.replace(tzinfo=UTC) == clock.now() + timedelta(seconds=60)  # while still in time


def code_payload(clock: ManualClock, valid_seconds: float = 300) -> dict[str, object]:
    """A sign-in code as handlers.auth.sms_codes writes it: the channel sends it only before it expires."""
    expires_at = clock.now() + timedelta(seconds=valid_seconds)
    return {"template_code": "SMS_LOGIN_CODE", "params": {"code": "246810"}, "expires_at": expires_at.isoformat()}


def inbox_texts(service: Service) -> list[str]:
    assert service.container.sandbox is not None
    return [item.body for items in service.container.sandbox.inbox.values() for item in items]


async def test_a_code_held_past_its_validity_is_dead_lettered_never_delivered_late(
    roomy_sms: Service, clock: ManualClock
) -> None:
    sms_service = roomy_sms
    # The provider holds every code back (its flow control answers isv.BUSINESS_LIMIT_CONTROL).
    await sms_service.call("POST", f"{SMS}/__sandbox__/limits", {"per_minute": 0})
    row = await sms_service.enqueue("sms", "13800000005", code_payload(clock))
    attempts = 0
    while (message := await sms_service.message(row)).status == OutboxStatus.PENDING:
        attempts += 1
        await sms_service.relay_once()
        clock.advance(60)
    assert attempts == 4  # tried at 0, 1, 2 and 3 minutes; a retry at 4 minutes would leave under a minute
    assert message.status == OutboxStatus.DEAD
    assert "isv.BUSINESS_LIMIT_CONTROL" in (message.dead_reason or "")
    assert "a retry would come too late" in (message.dead_reason or "")
    # The provider lets codes through again: the dead code is never sent, not even by a later pass.
    await sms_service.call("POST", f"{SMS}/__sandbox__/limits", {"per_minute": 1})
    clock.advance(600)
    await sms_service.relay_once()
    assert not any("246810" in text for text in inbox_texts(sms_service))


async def test_a_code_that_waited_past_its_validity_is_dropped_before_the_provider(
    sms_service: Service, clock: ManualClock
) -> None:
    row = await sms_service.enqueue("sms", "13800000005", code_payload(clock))
    # The relay was held (down, paused, behind other work) until the code had under a minute left.
    clock.advance(241)
    await sms_service.relay_once()
    dead = await sms_service.message(row)
    assert dead.status == OutboxStatus.DEAD
    assert "is dropped, never delivered late" in (dead.dead_reason or "")
    provider = await sms_service.call("GET", f"{SMS}/__sandbox__/sent")
    assert provider["requests"] == 0
    fresh = await sms_service.enqueue("sms", "13800000005", code_payload(clock))
    clock.advance(239)  # a minute and a second of validity left: still goes
    await sms_service.relay_once()
    assert (await sms_service.message(fresh)).status == OutboxStatus.SENT
    assert any("246810" in text for text in inbox_texts(sms_service))


async def test_notifications_to_one_number_are_spaced_each_waiting_only_its_turn(
    roomy_sms: Service, clock: ManualClock
) -> None:
    sms_service = roomy_sms
    rows = [await sms_service.enqueue("sms", "13800000007", NOTICE) for _ in range(3)]
    start = clock.now()
    await sms_service.relay_once()
    messages = [await sms_service.message(r) for r in rows]
    assert [m.status for m in messages].count(OutboxStatus.SENT) == 1
    waiting = [m for m in messages if m.status == OutboxStatus.PENDING]
    assert {m.next_attempt_at.replace(tzinfo=UTC) for m in waiting} == {start + timedelta(seconds=60)}
    clock.advance(60)
    await sms_service.relay_once()
    clock.advance(60)
    await sms_service.relay_once()
    assert [(await sms_service.message(r)).status for r in rows] == [OutboxStatus.SENT] * 3
    provider = await sms_service.call("GET", f"{SMS}/__sandbox__/sent")
    assert provider["requests"] == 3  # none was refused by the provider's flow control
    other = await sms_service.enqueue("sms", "13800000008", NOTICE)  # another number is not held up
    await sms_service.relay_once()
    assert (await sms_service.message(other)).status == OutboxStatus.SENT


async def test_the_sandbox_limits_notifications_per_template_in_a_rolling_day(
    roomy_sms: Service, clock: ManualClock
) -> None:
    sms_service = roomy_sms
    await sms_service.call("POST", f"{SMS}/__sandbox__/limits", {"notice_per_day": 1})
    sent = await sms_service.enqueue("sms", "13800000005", NOTICE)
    await sms_service.relay_once()
    clock.advance(60)
    status = {"template_code": "SMS_DEMAND_STATUS", "params": {"title": "新型电池", "status": "已通过审核"}}
    other_template = await sms_service.enqueue("sms", "13800000005", status)
    await sms_service.relay_once()
    clock.advance(60)
    refused = await sms_service.enqueue("sms", "13800000005", NOTICE)
    await sms_service.relay_once()
    assert (await sms_service.message(sent)).status == OutboxStatus.SENT
    assert (await sms_service.message(other_template)).status == OutboxStatus.SENT
    held = await sms_service.message(refused)
    assert held.status == OutboxStatus.PENDING and "触发天级流控Permits:1" in (held.last_error or "")


async def test_receipts_need_the_secret_path(sms_service: Service) -> None:
    response = await sms_service.client.post("/sms/receipts/wrong", json=[{"biz_id": "1", "success": True}])
    assert response.status == 403


async def test_receipts_for_unknown_ids_are_retried_while_young_then_acknowledged(
    sms_service: Service, clock: ManualClock
) -> None:
    url = f"/sms/receipts/{SANDBOX_SMS.receipt_token}"

    def receipt(minutes_ago: int) -> list[dict[str, object]]:
        at = (clock.now() - timedelta(minutes=minutes_ago)).astimezone(ZoneInfo("Asia/Shanghai"))
        stamp = at.strftime("%Y-%m-%d %H:%M:%S")
        return [
            {
                "phone_number": "13800000005",
                "send_time": stamp,
                "report_time": stamp,
                "success": True,
                "err_code": "DELIVERED",
                "biz_id": "900^0",
                "out_id": "",
            }
        ]

    young = await sms_service.client.post(url, json=receipt(2))
    assert young.status == 503  # may have overtaken the relay's bookkeeping: ask again
    old = await sms_service.client.post(url, json=receipt(11))
    assert old.status == 200 and (await old.json())["code"] == 0  # an orphan: acknowledged, not retried forever
