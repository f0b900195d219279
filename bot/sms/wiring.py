"""SMS: the Aliyun adapter behind the `sms` channel, configured or (in sandbox mode) the sandbox."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.sms.aliyun import AliyunSms
from bot.sms.channel import SmsChannel

if TYPE_CHECKING:
    from bot.bootstrap import Container


def build_sender(container: Container) -> AliyunSms | None:
    settings = container.settings
    sms = settings.sms
    if sms.access_key_id:
        return AliyunSms(
            container.http,
            base_url=sms.api_base_url,
            access_key_id=sms.access_key_id,
            access_key_secret=sms.access_key_secret.get_secret_value(),
            sign_name=sms.sign_name,
            region_id=sms.region_id,
        )
    if settings.sandbox:
        from sandbox.sms.credentials import SANDBOX_SMS  # sandbox mode only

        return AliyunSms(
            container.http,
            base_url=f"{settings.base_url.rstrip('/')}/sandbox/sms",
            access_key_id=SANDBOX_SMS.access_key_id,
            access_key_secret=SANDBOX_SMS.access_key_secret,
            sign_name=SANDBOX_SMS.sign_name,
        )
    return None


def wire_sms(container: Container) -> None:
    sender = build_sender(container)
    if sender is not None:
        container.channels[SmsChannel.name] = SmsChannel(
            sender,
            container.coordination,
            container.clock,
            container.timezone,
            per_number_daily_cap=container.settings.sms.per_number_daily_cap,
            code_min_validity_seconds=container.settings.sms.code_min_validity_seconds,
            notice_spacing_seconds=container.settings.sms.notice_spacing_seconds,
            notice_daily_per_template=container.settings.sms.notice_daily_per_template,
        )
