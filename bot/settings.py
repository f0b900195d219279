"""Typed settings, read from the environment (prefix KEZHUAN_) once, in the composition root.

Nothing else in the code base reads the environment: everything that needs a value gets it passed in.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///var/kezhuan.db"


class ChannelLimits(BaseModel):
    """Per-channel limits the relay enforces before it calls the provider."""

    per_second: float = 20.0
    daily_cap: int = 100_000


def _default_channel_limits() -> dict[str, ChannelLimits]:
    return {
        "test": ChannelLimits(per_second=200.0, daily_cap=1_000_000),
        "dingtalk.card": ChannelLimits(per_second=20.0, daily_cap=1_000_000),
        "dingtalk.work_notice": ChannelLimits(per_second=20.0, daily_cap=1_000_000),
        "wechat.template": ChannelLimits(per_second=50.0, daily_cap=100_000),
        "wechat.custom": ChannelLimits(per_second=50.0, daily_cap=500_000),
        "sms": ChannelLimits(per_second=10.0, daily_cap=10_000),
    }


class OutboxSettings(BaseModel):
    batch_size: int = 50
    poll_interval_seconds: float = 1.0
    lease_seconds: float = 60.0
    send_timeout_seconds: float = 10.0
    backoff_base_seconds: float = 2.0
    backoff_max_seconds: float = 3600.0
    max_attempts: int = 12
    concurrency: int = 8
    limits: dict[str, ChannelLimits] = Field(default_factory=_default_channel_limits)

    def limits_for(self, channel: str) -> ChannelLimits:
        return self.limits.get(channel, ChannelLimits())


class AuditSettings(BaseModel):
    checkpoint_interval_seconds: float = 300.0
    # The latest checkpoint head is also kept here, outside the database, so a truncated
    # checkpoint table is noticed. Point it at durable storage in production.
    anchor_path: Path = Path("var/audit-anchor.json")


class DingTalkSettings(BaseModel):
    api_base_url: str = "https://api.dingtalk.com"
    oapi_base_url: str = "https://oapi.dingtalk.com"
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")


class WeChatSettings(BaseModel):
    api_base_url: str = "https://api.weixin.qq.com"
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    # --- wechat channel (issue #4) ---
    # Accepted alongside the current key while a rotation is under way; replies use the key that worked.
    previous_encoding_aes_key: SecretStr = SecretStr("")
    # The webhook answers `success` if its work is not done by then (WeChat gives up at 5 s).
    reply_deadline_seconds: float = 4.0


class SmsSettings(BaseModel):
    api_base_url: str = "https://dysmsapi.aliyuncs.com"
    access_key_id: str = ""
    access_key_secret: SecretStr = SecretStr("")
    sign_name: str = ""
    # --- sms channel (issue #4) ---
    region_id: str = "cn-hangzhou"
    # Refused before the provider is called; the operator sees the reason on the dead letter.
    per_number_daily_cap: int = 50
    # Delivery receipts are accepted only at /sms/receipts/{receipt_token}; empty disables the route.
    receipt_token: SecretStr = SecretStr("")


class RegistrySettings(BaseModel):
    """The business registry (工商信息) lookup used when an enterprise is added."""

    api_base_url: str = "https://registry.example.invalid"
    app_code: SecretStr = SecretStr("")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_prefix="KEZHUAN_", env_nested_delimiter="__", extra="ignore"
    )

    environment: str = "development"
    database_url: str = DEFAULT_SQLITE_URL
    redis_url: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    public_base_url: str | None = None
    # Off unless configured; nothing a request carries can turn it on.
    sandbox: bool = False
    timezone: str = "Asia/Shanghai"
    log_level: str = "INFO"
    log_json: bool = True
    data_dir: Path = Path("var")
    # The test channel (a provider used by the test suite and the console); unset means not wired.
    test_channel_url: str | None = None

    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    dingtalk: DingTalkSettings = Field(default_factory=DingTalkSettings)
    wechat: WeChatSettings = Field(default_factory=WeChatSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"
