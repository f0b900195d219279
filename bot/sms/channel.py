"""The relay channel `sms`, with a per-number daily limit checked before the provider is called."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from bot.channels.base import ChannelPaused, Delivered, OutboundMessage, PermanentError, TransientError
from bot.coordination import Coordination
from bot.sms.port import SmsAccountBlocked, SmsRejected, SmsSender, SmsThrottled, SmsUnavailable
from handlers.clock import Clock


def mask(phone: str) -> str:
    return f"{phone[:3]}****{phone[-4:]}" if len(phone) >= 11 else "****"


class SmsChannel:
    """payload: {template_code, params}; the recipient is the mobile number."""

    name = "sms"

    def __init__(
        self, sender: SmsSender, coordination: Coordination, clock: Clock, timezone: ZoneInfo,
        *, per_number_daily_cap: int,
    ) -> None:
        self.sender = sender
        self.coordination = coordination
        self.clock = clock
        self.timezone = timezone
        self.per_number_daily_cap = per_number_daily_cap

    async def send(self, message: OutboundMessage) -> Delivered:
        payload = message.payload
        template_code = str(payload.get("template_code") or "")
        if not template_code:
            raise PermanentError("payload has no template_code")
        today = self.clock.now().astimezone(self.timezone).date().isoformat()
        if not await self.coordination.count_within(
            f"sms:number:{message.recipient}", period=today, cap=self.per_number_daily_cap
        ):
            raise PermanentError(
                f"per-number limit reached: at most {self.per_number_daily_cap} SMS per number per day "
                f"({mask(message.recipient)} on {today}); refused before the provider"
            )
        params = {str(k): str(v) for k, v in dict(payload.get("params") or {}).items()}
        try:
            biz_id = await self.sender.send(message.recipient, template_code, params, out_id=str(message.id))
        except SmsRejected as exc:
            raise PermanentError(f"sms rejected {exc.code}: {exc.message}") from exc
        except SmsThrottled as exc:
            raise TransientError(f"sms throttled {exc.code}: {exc.message}", retry_after=600.0) from exc
        except SmsAccountBlocked as exc:
            until = self.clock.now() + timedelta(hours=1)
            raise ChannelPaused(f"sms account blocked {exc.code}: {exc.message}", until=until) from exc
        except SmsUnavailable as exc:
            raise TransientError(f"sms unavailable {exc.code}: {exc.message}") from exc
        return Delivered(provider_message_id=biz_id)
