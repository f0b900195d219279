"""The numbers sign-in follows; the composition root fills them from settings (handlers read no settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from store.models.auth import SessionKind, SmsPurpose


@dataclass(frozen=True)
class AuthPolicy:
    """The defaults live in bot.settings.AuthSettings only; bot.bootstrap.auth_policy builds this from them."""

    micro_app_session_hours: float
    mini_program_session_hours: float
    web_session_hours: float
    lockout_failures: int
    lockout_minutes: float
    sms_code_seconds: float
    sms_resend_seconds: float
    sms_hourly_per_number: int
    sms_daily_per_number: int
    sms_max_wrong: int
    mobile_change_codes_per_account: int
    sms_login_template: str
    sms_reset_template: str
    sms_change_mobile_template: str
    sms_register_template: str
    timezone: str
    # A session's last_seen (and its sliding expiry) is written at most this often, not on every request.
    touch_interval_seconds: float = 60.0

    def session_ttl(self, kind: SessionKind) -> timedelta:
        hours = {
            SessionKind.MICRO_APP: self.micro_app_session_hours,
            SessionKind.MINI_PROGRAM: self.mini_program_session_hours,
            SessionKind.WEB: self.web_session_hours,
        }[kind]
        return timedelta(hours=hours)

    def sms_template(self, purpose: SmsPurpose) -> str:
        return {
            SmsPurpose.LOGIN: self.sms_login_template,
            SmsPurpose.RESET: self.sms_reset_template,
            SmsPurpose.CHANGE_MOBILE: self.sms_change_mobile_template,
            SmsPurpose.REGISTER: self.sms_register_template,
        }[purpose]
