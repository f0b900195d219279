"""The official account's outbound messages: template messages (also as an expert push), customer-service
messages, the temporary QR code of an expert invitation and the menu."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Self

from cards.outbound.base import Channel, Outbound, Stored, optional_obj, optional_text, strings, text


@dataclass(frozen=True, kw_only=True)
class WeChatTemplate(Outbound):
    """A template message. Stored payload: {template_id, data, url?, miniprogram?}; `client_msg_id` is the row's
    platform key (WeChat drops a repeat with the same one to the same openid)."""

    channel: ClassVar[Channel] = Channel.WECHAT_TEMPLATE

    recipient: str  # openid
    template_id: str
    data: dict[str, Any]  # keyword -> {"value": …}, fitted by cards.template_messages
    url: str | None = None
    miniprogram: dict[str, str] | None = None  # {appid, pagepath}
    client_msg_id: str | None = None
    source: str | None = None

    @property
    def platform_key(self) -> str | None:
        return self.client_msg_id

    def to_payload(self) -> dict[str, Any]:
        payload: dict[str, Any] = {"template_id": self.template_id, "data": self.data}
        if self.url is not None:
            payload["url"] = self.url
        if self.miniprogram is not None:
            payload["miniprogram"] = self.miniprogram
        return payload

    @classmethod
    def of(
        cls, content: Mapping[str, Any], *, recipient: str, client_msg_id: str | None = None, source: str | None = None
    ) -> Self:
        """The message of a template built in cards (e.g. `cards.expert_push.push_template`)."""
        miniprogram = optional_obj(content, "miniprogram")
        return cls(
            recipient=recipient,
            template_id=text(content, "template_id"),
            data=dict(content.get("data") or {}),
            url=optional_text(content, "url") or None,
            miniprogram=strings(miniprogram) if miniprogram is not None else None,
            client_msg_id=client_msg_id,
            source=source,
        )

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        return cls.of(row.payload, recipient=row.recipient, client_msg_id=row.platform_key, source=row.source)


@dataclass(frozen=True, kw_only=True)
class ExpertPushTemplate(WeChatTemplate):
    """The template message of a demand pushed to an expert: its channel also records the push's outcome."""

    channel: ClassVar[Channel] = Channel.WECHAT_EXPERT_PUSH


@dataclass(frozen=True, kw_only=True)
class CustomMessage(Outbound):
    """A customer-service message, only within 48 hours of the follower's last message. Stored payload: the
    msgtype part ({msgtype: text, text: {content}}); rows of the short form {text} still read."""

    channel: ClassVar[Channel] = Channel.WECHAT_CUSTOM

    recipient: str  # openid
    msg: dict[str, Any]
    source: str | None = None

    def to_payload(self) -> dict[str, Any]:
        return dict(self.msg)

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        if "msgtype" in row.payload:
            msg = dict(row.payload)
        else:
            msg = {"msgtype": "text", "text": {"content": text(row.payload, "text")}}
        return cls(recipient=row.recipient, msg=msg, source=row.source)


def custom_text(recipient: str, content: str, *, source: str | None = None) -> CustomMessage:
    return CustomMessage(recipient=recipient, msg={"msgtype": "text", "text": {"content": content}}, source=source)


@dataclass(frozen=True, kw_only=True)
class InviteQrcode(Outbound):
    """Make an expert invitation's temporary QR code (its channel then records the ticket and sends the SMS).
    Stored payload: {invitation_id, scene, expire_seconds}; the recipient is the scene."""

    channel: ClassVar[Channel] = Channel.WECHAT_INVITE_QRCODE

    invitation_id: int
    scene: str
    expire_seconds: int | None = None
    source: str | None = None

    @property
    def recipient(self) -> str:
        return self.scene

    def to_payload(self) -> dict[str, Any]:
        return {"invitation_id": self.invitation_id, "scene": self.scene, "expire_seconds": self.expire_seconds}

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        invitation_id, expire = row.payload.get("invitation_id"), row.payload.get("expire_seconds")
        if not isinstance(invitation_id, int):
            raise TypeError(f"payload invitation_id is not a number: {invitation_id!r}")
        return cls(
            invitation_id=invitation_id,
            scene=text(row.payload, "scene"),
            expire_seconds=int(expire) if expire else None,
            source=row.source,
        )


@dataclass(frozen=True, kw_only=True)
class MenuMessage(Outbound):
    """The official account's menu. Stored payload: the menu/create body ({button: […]}); the recipient is the
    account's app id."""

    channel: ClassVar[Channel] = Channel.WECHAT_MENU

    app_id: str
    body: dict[str, Any]
    source: str | None = None

    @property
    def recipient(self) -> str:
        return self.app_id

    def to_payload(self) -> dict[str, Any]:
        return dict(self.body)

    @classmethod
    def from_payload(cls, row: Stored) -> Self:
        if not isinstance(row.payload.get("button"), list):
            raise ValueError("payload is not a menu/create body")
        return cls(app_id=row.recipient, body=dict(row.payload), source=row.source)
