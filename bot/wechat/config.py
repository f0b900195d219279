"""Which official account we talk to, and where: the real platform, a proxy, or the sandbox."""

from __future__ import annotations

from dataclasses import dataclass

from bot.settings import Settings


@dataclass(frozen=True)
class WeChatConfig:
    api_base_url: str
    app_id: str
    app_secret: str
    token: str
    # Current key first; the previous one while a rotation is under way. Empty: plain mode only.
    encoding_aes_keys: tuple[str, ...]
    reply_deadline_seconds: float = 4.0


def resolve_wechat_config(settings: Settings) -> WeChatConfig | None:
    """Configured when an app id is set, or in sandbox mode against the sandbox account; else None."""
    wechat = settings.wechat
    if wechat.app_id:
        keys = (wechat.encoding_aes_key.get_secret_value(), wechat.previous_encoding_aes_key.get_secret_value())
        return WeChatConfig(
            api_base_url=wechat.api_base_url.rstrip("/"),
            app_id=wechat.app_id,
            app_secret=wechat.app_secret.get_secret_value(),
            token=wechat.token.get_secret_value(),
            encoding_aes_keys=tuple(k for k in keys if k),
            reply_deadline_seconds=wechat.reply_deadline_seconds,
        )
    if settings.sandbox:
        from sandbox.wechat.credentials import SANDBOX_ACCOUNT  # sandbox mode only

        return WeChatConfig(
            api_base_url=f"{settings.base_url.rstrip('/')}/sandbox/wechat",
            app_id=SANDBOX_ACCOUNT.app_id,
            app_secret=SANDBOX_ACCOUNT.app_secret,
            token=SANDBOX_ACCOUNT.token,
            encoding_aes_keys=(SANDBOX_ACCOUNT.encoding_aes_key,),
            reply_deadline_seconds=wechat.reply_deadline_seconds,
        )
    return None
