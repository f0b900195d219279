"""Relay channels for template and customer-service messages (`cards.outbound.wechat`).

They translate the platform's answers for the relay: unfollowed recipients are permanent and marked,
the daily quota pauses the whole channel until the next local midnight, the rest retries.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.base import (
    ChannelPaused,
    Delivered,
    DeliveryError,
    OutboundMessage,
    PermanentError,
    TransientError,
    read,
)
from bot.wechat.client import (
    Busy,
    DailyQuotaExceeded,
    InvalidArgument,
    InvalidOpenid,
    InvalidTemplate,
    NotFollowing,
    OutOfWindow,
    UserRefused,
    WeChatClient,
    WeChatError,
)
from cards.outbound import Channel, CustomMessage, ExpertPushTemplate, WeChatTemplate
from handlers.clock import Clock
from handlers.transactions import transact
from handlers.wechat.follow_status import push_refusal
from handlers.wechat.mark_openid_invalid import MarkOpenidInvalid, mark_openid_invalid
from handlers.wechat.record_template_sent import RecordTemplateSent, record_template_sent
from handlers.wechat.record_unfollow import RecordUnfollow, record_unfollow
from store.uow import UnitOfWork


class FollowerGate:
    """Follow state as the channels need it: refuse the unfollowed, mark the ones the platform refuses."""

    def __init__(self, app_id: str, uow: Callable[[], UnitOfWork]) -> None:
        self.app_id = app_id
        self.uow = uow

    async def ensure_following(self, openid: str) -> None:
        if refusal := await push_refusal(self.app_id, openid, self.uow()):
            raise PermanentError(refusal)

    async def mark_unfollowed(self, openid: str, reason: str) -> None:
        cmd = RecordUnfollow(self.app_id, openid, reason)
        await transact(self.uow(), lambda tx: record_unfollow(cmd, tx), clash=None)

    async def mark_invalid(self, openid: str, reason: str) -> None:
        await mark_openid_invalid(MarkOpenidInvalid(self.app_id, openid, reason), self.uow())


class _WeChatChannel:
    name = ""

    def __init__(self, client: WeChatClient, gate: FollowerGate, clock: Clock, timezone: ZoneInfo) -> None:
        self.client = client
        self.gate = gate
        self.clock = clock
        self.timezone = timezone

    def _next_local_midnight(self) -> datetime:
        local = self.clock.now().astimezone(self.timezone)
        return datetime.combine(local.date() + timedelta(days=1), datetime.min.time(), self.timezone)

    async def _translate(self, exc: WeChatError, openid: str) -> DeliveryError:
        reason = f"wechat {exc.errcode}: {exc.errmsg}"
        if isinstance(exc, NotFollowing):
            await self.gate.mark_unfollowed(openid, str(exc.errcode))
            return PermanentError(f"{reason} (recipient marked unfollowed)")
        if isinstance(exc, InvalidOpenid):
            await self.gate.mark_invalid(openid, str(exc.errcode))
            return PermanentError(f"{reason} (openid binding marked broken)")
        if isinstance(exc, DailyQuotaExceeded):
            return ChannelPaused(reason, until=self._next_local_midnight())
        if isinstance(exc, InvalidTemplate | InvalidArgument | OutOfWindow | UserRefused):
            return PermanentError(reason)
        if isinstance(exc, Busy):
            return TransientError(reason, retry_after=5.0)
        return TransientError(reason)  # unreachable, token rejected twice, throttled, unknown codes

    async def send(self, message: OutboundMessage) -> Delivered:
        await self.gate.ensure_following(message.recipient)
        try:
            msgid = await self._send(message)
        except WeChatError as exc:
            raise await self._translate(exc, message.recipient) from exc
        return Delivered(provider_message_id=msgid)

    async def _send(self, message: OutboundMessage) -> str | None:
        raise NotImplementedError


# The template channel reads the expert push's rows too (the same payload, a channel of its own).
TEMPLATES: dict[str, type[WeChatTemplate]] = {c.channel: c for c in (WeChatTemplate, ExpertPushTemplate)}


class WeChatTemplateChannel(_WeChatChannel):
    """A `WeChatTemplate` (or an `ExpertPushTemplate`, for the push channel); its client_msg_id is the row's
    platform key.

    The msgid WeChat answers with is recorded on the message before the relay settles it, so that a job
    report (TEMPLATESENDJOBFINISH) that came first, and was kept, is applied now."""

    name = Channel.WECHAT_TEMPLATE

    async def send(self, message: OutboundMessage) -> Delivered:
        return await self.recorded(message, await self.deliver(message))

    async def deliver(self, message: OutboundMessage) -> Delivered:
        """The send alone, the msgid not recorded yet."""
        return await super().send(message)

    async def recorded(self, message: OutboundMessage, delivered: Delivered) -> Delivered:
        if not delivered.provider_message_id:
            return delivered
        status = await record_template_sent(
            RecordTemplateSent(message.id, delivered.provider_message_id), self.gate.uow()
        )
        return Delivered(delivered.provider_message_id, status or delivered.delivery_status)

    async def _send(self, message: OutboundMessage) -> str | None:
        template = read(TEMPLATES.get(message.channel, WeChatTemplate), message)
        return await self.client.send_template(
            template.recipient,
            template.template_id,
            template.data,
            url=template.url,
            miniprogram=template.miniprogram,
            client_msg_id=template.client_msg_id,
        )


class WeChatCustomChannel(_WeChatChannel):
    """A `CustomMessage`; only within the 48-hour customer-service window."""

    name = Channel.WECHAT_CUSTOM

    async def _send(self, message: OutboundMessage) -> str | None:
        custom = read(CustomMessage, message)
        await self.client.send_custom(custom.recipient, custom.msg)
        return None
