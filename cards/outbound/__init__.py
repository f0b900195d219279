"""The outbound contract: one frozen dataclass per channel payload (see base.py).

    uow.send_later(text_notice(userid, text, record=f"审核 {review.id}", source=f"review:{review.id}"))

A use case builds a message and hands it to the unit of work; the relay's channel adapter reads the stored row
back with the same class. No use case writes a wire dict or a channel name.
"""

from cards.outbound.base import Channel, Outbound, PlatformInbox, Stored
from cards.outbound.dingtalk import (
    CardCreate,
    CardUpdate,
    MembershipRequest,
    RobotMessage,
    TodoComplete,
    TodoCreate,
    WorkNotice,
    text_notice,
)
from cards.outbound.sms import SmsMessage
from cards.outbound.testing import TestMessage
from cards.outbound.wechat import (
    CustomMessage,
    ExpertPushTemplate,
    InviteQrcode,
    MenuMessage,
    WeChatTemplate,
    custom_text,
)

__all__ = [
    "CardCreate",
    "CardUpdate",
    "Channel",
    "CustomMessage",
    "ExpertPushTemplate",
    "InviteQrcode",
    "MembershipRequest",
    "MenuMessage",
    "Outbound",
    "PlatformInbox",
    "RobotMessage",
    "SmsMessage",
    "Stored",
    "TestMessage",
    "TodoComplete",
    "TodoCreate",
    "WeChatTemplate",
    "WorkNotice",
    "custom_text",
    "text_notice",
]
