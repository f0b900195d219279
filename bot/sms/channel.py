"""The SMS relay channel: the provider's per-number flow control kept on our side, before the provider.

Codes (payloads with `expires_at`) were counted against the number's windows when they were requested; here a
code goes out only while enough of its validity is left, else it is dead-lettered with the reason: a code is
never delivered late. Notifications to one number are spaced (the next waits exactly until its turn) and
capped per template in a rolling day, as Aliyun caps them.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.channels.base import (
    ChannelPaused,
    Deferred,
    Delivered,
    OutboundMessage,
    PermanentError,
    TransientError,
    read,
)
from bot.coordination import Coordination
from bot.sms.port import SmsAccountBlocked, SmsRejected, SmsSender, SmsThrottled, SmsUnavailable
from cards.outbound import Channel, SmsMessage
from handlers.clock import Clock

# After the provider's own flow control refused a code, it is tried again this much later (if still in time).
CODE_RETRY_SECONDS = 60.0


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else "****"


class SmsChannel:
    """An `SmsMessage`; the recipient is the mobile number."""

    name = Channel.SMS

    def __init__(
        self,
        sender: SmsSender,
        coordination: Coordination,
        clock: Clock,
        timezone: ZoneInfo,
        *,
        per_number_daily_cap: int,
        code_min_validity_seconds: float = 60.0,
        notice_spacing_seconds: float = 60.0,
        notice_daily_per_template: int = 50,
    ) -> None:
        self.sender = sender
        self.coordination = coordination
        self.clock = clock
        self.timezone = timezone
        self.per_number_daily_cap = per_number_daily_cap
        self.code_min_validity = timedelta(seconds=code_min_validity_seconds)
        self.notice_spacing_seconds = notice_spacing_seconds
        self.notice_daily_per_template = notice_daily_per_template

    def _send_by(self, sms: SmsMessage) -> datetime | None:
        """For a code: the last moment it may still be sent; None for a notification."""
        return sms.expires_at - self.code_min_validity if sms.expires_at is not None else None

    async def send(self, message: OutboundMessage) -> Delivered:
        sms = read(SmsMessage, message)
        template_code = sms.template_code
        now = self.clock.now()
        send_by = self._send_by(sms)
        if send_by is not None and now >= send_by:
            raise PermanentError(
                f"code not sent: it could not go out before {send_by.isoformat()} (its validity less "
                f"{self.code_min_validity.total_seconds():.0f} s) and is dropped, never delivered late"
            )
        if send_by is None:
            wait = await self.coordination.take_within(
                [
                    (f"sms:notice:{message.recipient}", self.notice_spacing_seconds, 1),
                    (f"sms:notice:{message.recipient}:{template_code}", 86400.0, self.notice_daily_per_template),
                ],
                now=now,
            )
            if wait > 0:
                raise Deferred(
                    f"notifications to {mask(message.recipient)} spaced", until=now + timedelta(seconds=wait)
                )
        today = now.astimezone(self.timezone).date().isoformat()
        if not await self.coordination.count_within(
            f"sms:number:{message.recipient}", period=today, cap=self.per_number_daily_cap
        ):
            raise PermanentError(
                f"per-number limit reached: at most {self.per_number_daily_cap} SMS per number per day "
                f"({mask(message.recipient)} on {today}); refused before the provider"
            )
        try:
            biz_id = await self.sender.send(sms.recipient, template_code, sms.params, out_id=str(message.id))
        except SmsRejected as exc:
            raise PermanentError(f"sms rejected {exc.code}: {exc.message}") from exc
        except SmsThrottled as exc:
            if send_by is None:
                raise TransientError(
                    f"sms throttled {exc.code}: {exc.message}", retry_after=self.notice_spacing_seconds
                ) from exc
            if now + timedelta(seconds=CODE_RETRY_SECONDS) >= send_by:
                raise PermanentError(
                    f"code not sent: the provider's flow control refused it ({exc.code}: "
                    f"{exc.message}) and a retry would come too late"
                ) from exc
            raise TransientError(f"sms throttled {exc.code}: {exc.message}", retry_after=CODE_RETRY_SECONDS) from exc
        except SmsAccountBlocked as exc:
            until = now + timedelta(hours=1)
            raise ChannelPaused(f"sms account blocked {exc.code}: {exc.message}", until=until) from exc
        except SmsUnavailable as exc:
            raise TransientError(f"sms unavailable {exc.code}: {exc.message}") from exc
        return Delivered(provider_message_id=biz_id)
