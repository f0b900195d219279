"""Sign-in errors. Messages never say whether the number or the password was wrong."""

from __future__ import annotations

import math

from handlers.errors import DomainError, Forbidden


class Unauthenticated(DomainError):
    status = 401
    code = "unauthenticated"
    message = "请先登录"


class LoginFailed(DomainError):
    status = 401
    code = "login_failed"
    message = "手机号或密码错误"


class TooManyAttempts(DomainError):
    status = 429
    code = "too_many_attempts"
    message = "登录失败次数过多，请15分钟后再试"


class SmsTooFrequent(DomainError):
    status = 429
    code = "sms_too_frequent"
    message = "验证码发送过于频繁，请稍后再试"

    @classmethod
    def waiting(cls, seconds: float) -> SmsTooFrequent:
        """Refused because the number's windows are full: say how long to wait (also as Retry-After)."""
        wait = max(1, math.ceil(seconds))
        hours, minutes = divmod(math.ceil(wait / 60), 60)
        if wait < 120:
            text = f"{wait}秒"
        elif not hours:
            text = f"{minutes}分钟"
        else:
            text = f"{hours}小时{minutes}分钟" if minutes else f"{hours}小时"
        error = cls(f"验证码发送过于频繁，请{text}后再试")
        error.retry_after = wait
        return error


class InvalidSmsCode(DomainError):
    status = 401
    code = "invalid_sms_code"
    message = "验证码错误或已失效"


class AccountDisabled(Forbidden):
    code = "account_disabled"
    message = "账号已停用，请联系管理员"


class AccountNotFound(DomainError):
    status = 404
    code = "account_not_found"
    message = "未找到您的账号，请联系管理员"


class PasswordChangeRequired(Forbidden):
    code = "password_change_required"
    message = "请先修改初始密码"


class InvalidLoginCode(DomainError):
    """A platform's one-shot login code (DingTalk authCode, wx.login code) that is unknown, spent or expired."""

    status = 401
    code = "invalid_login_code"
    message = "登录凭证无效或已过期，请重试"


class InvalidPhoneCode(DomainError):
    """A getPhoneNumber code that is unknown, spent (they are one-shot) or older than 5 minutes."""

    status = 401
    code = "invalid_phone_code"
    message = "手机号授权已失效，请重新授权"


# Seed 004 §十's words for a phone that matches no expert or enterprise contact.
BIND_ACCOUNT_NOT_FOUND = "账号不存在，请联系法人机构管理员确认信息是否已加入系统"
