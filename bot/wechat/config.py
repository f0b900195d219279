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
    # safe | compatible | plain; see WeChatSettings.message_mode.
    message_mode: str = "safe"
    timestamp_window_seconds: float = 300.0
    # The mini-program's own app; empty when none is configured (mini-program login is then unavailable).
    miniapp_app_id: str = ""
    miniapp_app_secret: str = ""
    miniapp_bind_page: str = "pages/bind/index"
    qrcode_base_url: str = "https://mp.weixin.qq.com"


MESSAGE_MODES = ("safe", "compatible", "plain")


def message_mode(configured: str, keys: tuple[str, ...]) -> str:
    """Safe by default whenever a key exists: a plaintext push is authenticated by a signature that
    does not cover its body, so accepting one would let anyone with an old signed URL forge any push."""
    mode = configured.strip().lower() or ("safe" if keys else "plain")
    if mode not in MESSAGE_MODES:
        raise ValueError(f"KEZHUAN_WECHAT__MESSAGE_MODE must be one of {', '.join(MESSAGE_MODES)}")
    if mode != "plain" and not keys:
        raise ValueError(f"WeChat message mode {mode} needs KEZHUAN_WECHAT__ENCODING_AES_KEY")
    return mode


def resolve_wechat_config(settings: Settings) -> WeChatConfig | None:
    """Configured when an app id is set, or in sandbox mode against the sandbox account; else None."""
    wechat = settings.wechat
    if wechat.app_id:
        keys = (wechat.encoding_aes_key.get_secret_value(), wechat.previous_encoding_aes_key.get_secret_value())
        present = tuple(k for k in keys if k)
        return WeChatConfig(
            api_base_url=wechat.api_base_url.rstrip("/"),
            app_id=wechat.app_id,
            app_secret=wechat.app_secret.get_secret_value(),
            token=wechat.token.get_secret_value(),
            encoding_aes_keys=present,
            reply_deadline_seconds=wechat.reply_deadline_seconds,
            message_mode=message_mode(wechat.message_mode, present),
            timestamp_window_seconds=wechat.timestamp_window_seconds,
            miniapp_app_id=wechat.miniapp_app_id,
            miniapp_app_secret=wechat.miniapp_app_secret.get_secret_value(),
            miniapp_bind_page=wechat.miniapp_bind_page,
            qrcode_base_url=wechat.qrcode_base_url.rstrip("/"),
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
            message_mode=message_mode(wechat.message_mode, (SANDBOX_ACCOUNT.encoding_aes_key,)),
            timestamp_window_seconds=wechat.timestamp_window_seconds,
            miniapp_app_id=SANDBOX_ACCOUNT.mini_app_id,
            miniapp_app_secret=SANDBOX_ACCOUNT.mini_app_secret,
            miniapp_bind_page=wechat.miniapp_bind_page,
            qrcode_base_url=f"{settings.base_url.rstrip('/')}/sandbox/wechat",
        )
    return None
