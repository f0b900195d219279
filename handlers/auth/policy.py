"""The numbers sign-in follows; the composition root fills them from settings (handlers read no settings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from store.models.auth import SessionKind, SmsPurpose


@dataclass(frozen=True)
class AuthPolicy:
    micro_app_session_hours: float = 168.0
    mini_program_session_hours: float = 168.0
    web_session_hours: float = 12.0
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    sms_code_seconds: float = 300.0
    sms_resend_seconds: float = 60.0
    sms_daily_per_number: int = 10
    sms_max_wrong: int = 5
    sms_login_template: str = "SMS_LOGIN_CODE"
    sms_reset_template: str = "SMS_RESET_CODE"
    timezone: str = "Asia/Shanghai"
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
        return self.sms_login_template if purpose == SmsPurpose.LOGIN else self.sms_reset_template
