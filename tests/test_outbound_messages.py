"""The outbound contract: what a use case writes with a message class, its channel adapter reads back with the same
class, and the stored shapes older rows have keep reading."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.channels.base import OutboundMessage, PermanentError, Related, read
from bot.dingtalk.channels import card_state
from cards.keys import card_key, todo_key
from cards.outbound import (
    CardCreate,
    CardUpdate,
    Channel,
    CustomMessage,
    ExpertPushTemplate,
    InviteQrcode,
    MembershipRequest,
    MenuMessage,
    Outbound,
    RobotMessage,
    SmsMessage,
    TestMessage,
    TodoComplete,
    TodoCreate,
    WeChatTemplate,
    WorkNotice,
    custom_text,
    text_notice,
)
from cards.outbound.dingtalk import read_todo
from store.outbox import Outgoing

TEMPLATE = {"template_id": "TPL", "data": {"thing1": {"value": "新型电池"}}}

MESSAGES: list[Outbound] = [
    TestMessage(recipient="13800000004", body={"title": "通知", "text": "第1条"}, idempotency_key="k1", source="t:1"),
    SmsMessage(
        recipient="13800000004",
        template_code="SMS_CODE",
        params={"code": "123456"},
        expires_at=datetime(2026, 11, 23, 8, 5, tzinfo=UTC),
        source="auth.sms_code.login",
    ),
    SmsMessage(recipient="13800000004", template_code="SMS_STATUS", params={"title": "电池", "status": "已通过"}),
    CardCreate(
        recipient="dt-zhang",
        out_track_id="review-7",
        template_id="kezhuan.review.schema",
        card_data={"status": "待审核"},
        private_data={"dt-zhang": {"tip": ""}},
        source="review_task:7",
    ),
    CardUpdate(recipient="dt-zhang", out_track_id="review-7", card_data={"status": "已通过"}, source="review_task:7"),
    CardUpdate(recipient="dt-zhang", out_track_id="review-7", private_data={"dt-zhang": {"tip": "已处理"}}),
    text_notice("dt-zhang", "您提交的需求已通过。", record="审核 7", source="review:7"),
    WorkNotice(
        recipient="dt-zhang",
        msg={"msgtype": "markdown", "markdown": {"title": "提醒", "text": "### 提醒"}},
        created_at="2026-11-23T08:00:00+00:00",
    ),
    RobotMessage(recipient="dt-zhang", msg_key="sampleText", msg_param={"content": "您好"}),
    TodoCreate(
        recipient="dt-zhang",
        source_id="review-7",
        subject="需求审核：新型电池",
        description="初审 · 提交人：刘经理",
        detail_url="https://example.test/d/7",
        due_ms=1_790_000_000_000,
        source="review_task:7",
    ),
    TodoComplete(recipient="dt-zhang", source_id="review-7", source="review_task:7"),
    TodoComplete(recipient="dt-zhang", source_id="review-7", task_id="task-1"),
    MembershipRequest(invitation_id=3, name="王五", mobile="13800000031", title="技转人员", source="membership:3"),
    WeChatTemplate.of(TEMPLATE, recipient="o-chen", client_msg_id="digest-1", source="digest:1"),
    WeChatTemplate(
        recipient="o-chen",
        template_id="TPL",
        data={},
        url="https://example.test",
        miniprogram={"appid": "wxmini", "pagepath": "pages/d?id=1"},
    ),
    ExpertPushTemplate.of(TEMPLATE, recipient="o-chen", client_msg_id="expert_push:1", source="expert_push:1"),
    custom_text("o-chen", "请点击链接完成绑定", source="bind_request"),
    InviteQrcode(invitation_id=9, scene="inv_abc", expire_seconds=2_592_000, source="expert_invitation:9"),
    MenuMessage(app_id="wx-app", body={"button": [{"type": "click", "name": "帮助", "key": "HELP"}]}, source="menu:x"),
]


@pytest.mark.parametrize("message", MESSAGES, ids=lambda m: f"{type(m).__name__}")
def test_what_a_use_case_writes_its_channel_reads_back_with_the_same_class(message: Outbound) -> None:
    row = Outgoing.of(message)
    assert row.channel == message.channel and row.recipient == message.recipient
    assert type(message).from_payload(row) == message
    # As the relay hands it to the adapter.
    claimed = OutboundMessage(
        id=1,
        channel=row.channel,
        recipient=row.recipient,
        payload=row.payload,
        platform_key=row.platform_key,
        attempt=1,
        ordering_key=row.ordering_key,
        source=row.source,
    )
    assert read(type(message), claimed) == message


def test_every_channel_has_its_message_class() -> None:
    assert {m.channel for m in MESSAGES} == set(Channel)


def test_cards_and_todos_derive_their_keys() -> None:
    create, update = MESSAGES[3], MESSAGES[4]
    assert create.platform_key == "review-7" and create.ordering_key == update.ordering_key == card_key("review-7")
    assert MESSAGES[9].ordering_key == MESSAGES[10].ordering_key == todo_key("review-7")
    assert MESSAGES[12].platform_key == "membership:3"
    assert Outgoing.of(MESSAGES[0]).platform_key == "k1" and Outgoing.of(MESSAGES[0]).ordering_key is None


def test_the_stored_shapes_stay_those_of_the_rows_already_written() -> None:
    assert Outgoing.of(MESSAGES[6]).payload == {
        "msg": {"msgtype": "text", "text": {"content": "您提交的需求已通过。"}},
        "record": "审核 7",
    }
    assert Outgoing.of(MESSAGES[10]).payload == {"op": "complete"}
    assert Outgoing.of(MESSAGES[11]).payload == {"op": "complete", "task_id": "task-1"}
    assert Outgoing.of(MESSAGES[4]).payload == {"out_track_id": "review-7", "card_data": {"status": "已通过"}}
    assert Outgoing.of(MESSAGES[1]).payload["expires_at"] == "2026-11-23T08:05:00+00:00"
    assert Outgoing.of(MESSAGES[16]).payload == {"msgtype": "text", "text": {"content": "请点击链接完成绑定"}}
    # The short customer-service form some rows have still reads as the same text message.
    short = Outgoing(Channel.WECHAT_CUSTOM, "o-chen", {"text": "您好"})
    assert CustomMessage.from_payload(short).msg == {"msgtype": "text", "text": {"content": "您好"}}
    assert isinstance(read_todo(Outgoing.of(MESSAGES[9])), TodoCreate)
    assert isinstance(read_todo(Outgoing.of(MESSAGES[10])), TodoComplete)


@pytest.mark.parametrize(
    ("message_class", "payload"),
    [
        (WorkNotice, {"text": "no msg"}),
        (SmsMessage, {"params": {}}),
        (SmsMessage, {"template_code": "SMS", "params": {}, "expires_at": "soon"}),
        (CardUpdate, {"card_data": {"status": "x"}}),
        (InviteQrcode, {"invitation_id": "9", "scene": "inv"}),
        (MenuMessage, {"menu": []}),
        (WeChatTemplate, {"data": {}}),
    ],
)
def test_a_row_its_class_cannot_read_is_a_dead_letter(
    message_class: type[Outbound], payload: dict[str, object]
) -> None:
    row = OutboundMessage(
        id=1, channel=message_class.channel, recipient="r", payload=payload, platform_key=None, attempt=1
    )
    with pytest.raises(PermanentError, match="malformed"):
        read(message_class, row)


def test_a_card_is_sent_as_its_create_and_updates_leave_it() -> None:
    create, update, private = MESSAGES[3], MESSAGES[4], MESSAGES[5]
    related = tuple(
        Related(n, r.channel, r.payload, "sent", None, r.recipient, r.platform_key, r.ordering_key, r.source)
        for n, r in enumerate(map(Outgoing.of, (create, update, private)), start=1)
    )
    row = OutboundMessage(
        id=1,
        channel=Channel.DINGTALK_CARD,
        recipient="dt-zhang",
        payload=Outgoing.of(create).payload,
        platform_key="review-7",
        attempt=1,
        related=related,
    )
    assert isinstance(create, CardCreate)
    assert card_state(row, create) == ({"status": "已通过"}, {"dt-zhang": {"tip": "已处理"}})
