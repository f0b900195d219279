"""Typed settings, read from the environment (prefix KEZHUAN_) once, in the composition root.

Nothing else in the code base reads the environment: everything that needs a value gets it passed in.
"""

from __future__ import annotations

from datetime import date, datetime, time
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from cards.outbound import Channel
from store.db import DEFAULT_POOL_SIZE

DEFAULT_SQLITE_URL = "sqlite+aiosqlite:///var/kezhuan.db"


class ChannelLimits(BaseModel):
    """Per-channel limits the relay enforces before it calls the provider."""

    per_second: float = 20.0
    daily_cap: int = 100_000


# Defaults per channel; settings override single fields without losing the rest.
DEFAULT_LIMITS: dict[str, ChannelLimits] = {
    Channel.TEST: ChannelLimits(per_second=200.0, daily_cap=1_000_000),
    Channel.DINGTALK_CARD: ChannelLimits(per_second=20.0, daily_cap=1_000_000),
    Channel.DINGTALK_WORK_NOTICE: ChannelLimits(per_second=20.0, daily_cap=1_000_000),
    Channel.WECHAT_TEMPLATE: ChannelLimits(per_second=50.0, daily_cap=100_000),
    Channel.WECHAT_CUSTOM: ChannelLimits(per_second=50.0, daily_cap=500_000),
    Channel.SMS: ChannelLimits(per_second=10.0, daily_cap=10_000),
    # qrcode/create allows 100,000 calls a day.
    Channel.WECHAT_INVITE_QRCODE: ChannelLimits(per_second=20.0, daily_cap=100_000),
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
    # Overrides, e.g. KEZHUAN_OUTBOX__LIMITS='{"wechat.template": {"daily_cap": 200000}}'.
    limits: dict[str, ChannelLimits] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _lease_outlasts_a_send(self) -> OutboxSettings:
        # A row is only sent while its claim has a send timeout to spare; see Relay._deliver.
        if self.lease_seconds < 2 * self.send_timeout_seconds:
            raise ValueError("outbox lease_seconds must be at least twice send_timeout_seconds")
        return self

    def limits_for(self, channel: str) -> ChannelLimits:
        base = DEFAULT_LIMITS.get(channel, ChannelLimits())
        override = self.limits.get(channel)
        if override is None:
            return base
        return base.model_copy(update={name: getattr(override, name) for name in override.model_fields_set})


class SecondAnchorSettings(BaseModel):
    """A second, independent place every anchored checkpoint goes, so one administrator cannot rewrite both."""

    kind: Literal["none", "file", "http", "dingtalk"] = "none"
    # kind=file: another file, on storage the database administrator cannot write (another host, WORM storage).
    path: Path | None = None
    # kind=http: each anchor is POSTed as JSON to `url`; `read_url`, when set, answers a GET with the JSON list
    # of the anchors it kept, so verify compares them too.
    url: str = ""
    read_url: str = ""
    # kind=dingtalk: a work notice to this auditor's DingTalk userid, through the outbox (not readable back).
    auditor_userid: str = ""

    @model_validator(mode="after")
    def _complete(self) -> SecondAnchorSettings:
        needed = {"file": self.path, "http": self.url, "dingtalk": self.auditor_userid}.get(self.kind, True)
        if not needed:
            field = {"file": "path", "http": "url", "dingtalk": "auditor_userid"}[self.kind]
            raise ValueError(f"audit.second_anchor.kind={self.kind} needs audit.second_anchor.{field}")
        return self


class AuditSettings(BaseModel):
    checkpoint_interval_seconds: float = 300.0
    # Every anchored checkpoint is appended here (JSON lines), outside the database, so a rewritten or
    # truncated checkpoint table is noticed. Point it at durable storage in production.
    anchor_path: Path = Path("var/audit-anchor.json")
    second_anchor: SecondAnchorSettings = Field(default_factory=SecondAnchorSettings)


class DingTalkSettings(BaseModel):
    api_base_url: str = "https://api.dingtalk.com"
    oapi_base_url: str = "https://oapi.dingtalk.com"
    # The internal app's AppKey/AppSecret; an empty client_id leaves DingTalk unwired (outside sandbox mode).
    client_id: str = ""
    client_secret: SecretStr = SecretStr("")
    # An internal app's robot code is its AppKey unless the console says otherwise.
    robot_code: str = ""
    agent_id: str = ""
    corp_id: str = ""
    # DingTalk asks apps to refresh the 7200 s token at about 7000 s.
    token_cache_seconds: float = 7000.0
    request_timeout_seconds: float = 10.0
    max_retries: int = 4
    retry_base_seconds: float = 1.0
    retry_max_seconds: float = 30.0
    # Per-app call budget shared by every instance (DingTalk throttles with 90018 beyond it).
    app_calls_per_second: float = 20.0
    # DingTalk silently drops work notices beyond 500 per user per day, so we stop at the cap instead.
    work_notice_daily_per_user: int = 500
    # A Stream connection silent for this long is probed with a ping; without a pong in time it is
    # closed so the SDK reconnects (a half-open socket otherwise looks connected and gets nothing).
    stream_watchdog_seconds: float = 120.0
    stream_ping_timeout_seconds: float = 10.0
    # --- membership invitations ---
    # How long an invitation to join the organisation stays open; the department new members go into.
    invitation_days: float = 7.0
    member_dept_id: int = 1
    # The workbench micro-app's H5 page; the welcome card opens it in the workbench (openapp link).
    workbench_page_url: str = ""

    @property
    def robot(self) -> str:
        return self.robot_code or self.client_id


class MenuButton(BaseModel):
    """One button of the official account's menu. A button with `sub_buttons` only opens them."""

    name: str
    # click: answered by the official account (its `key` is the CLICK event's EventKey); view: opens `url`;
    # miniprogram: opens `pagepath` in our mini-program (old clients open the public site instead).
    type: Literal["click", "view", "miniprogram", ""] = ""
    key: str = ""
    url: str = ""
    pagepath: str = ""
    sub_buttons: list[MenuButton] = Field(default_factory=list)


def _default_menu() -> list[MenuButton]:
    return [
        MenuButton(name="需求大厅", type="miniprogram", pagepath="pages/hall/index"),
        MenuButton(
            name="我的",
            sub_buttons=[
                MenuButton(name="我的订阅", type="click", key="my_subscriptions"),
                MenuButton(name="我的对接", type="click", key="my_dockings"),
                MenuButton(name="绑定信息", type="click", key="bind"),
            ],
        ),
        MenuButton(name="帮助", type="click", key="help"),
    ]


class WeChatSettings(BaseModel):
    api_base_url: str = "https://api.weixin.qq.com"
    app_id: str = ""
    app_secret: SecretStr = SecretStr("")
    token: SecretStr = SecretStr("")
    encoding_aes_key: SecretStr = SecretStr("")
    # --- wechat channel ---
    # Accepted alongside the current key while a rotation is under way; replies use the key that worked.
    previous_encoding_aes_key: SecretStr = SecretStr("")
    # The webhook answers `success` if its work is not done by then (WeChat gives up at 5 s).
    reply_deadline_seconds: float = 4.0
    # safe: only encrypted pushes (the plain signature does not cover the body); compatible: both;
    # plain: only plaintext. Empty: safe when an EncodingAESKey is configured, else plain.
    message_mode: str = ""
    # A POST whose signed timestamp is further than this from our clock is refused as a replay.
    timestamp_window_seconds: float = 300.0
    # The mini-program is its own app: jscode2session and getuserphonenumber need its credentials and token.
    miniapp_app_id: str = ""
    miniapp_app_secret: SecretStr = SecretStr("")
    # --- expert invitations ---
    # The mini-program page the 「前往绑定信息」 link opens (the invitation token is added as a query).
    miniapp_bind_page: str = "pages/bind/index"
    # Where a QR ticket becomes an image (showqrcode); the SMS link redirects there.
    qrcode_base_url: str = "https://mp.weixin.qq.com"
    # --- official account menu ---
    # Created through the API when it changes (JSON in KEZHUAN_WECHAT__MENU); checked against WeChat's limits
    # at start-up, so a menu the platform would refuse never gets that far.
    menu: list[MenuButton] = Field(default_factory=_default_menu)

    @model_validator(mode="after")
    def _menu_within_limits(self) -> WeChatSettings:
        from bot.wechat.menu_rules import menu_problems  # the limits live beside the payload they shape

        if problems := menu_problems(self.menu):
            raise ValueError("wechat menu: " + "; ".join(problems))
        return self

    # --- expert pushes ---
    # A 需求匹配通知 template: thing1 需求名称, thing2 技术领域, thing3 推送机构, time4 推送时间
    # (declared in cards.template_messages.EXPERT_PUSH; the template chosen must have these keyword names).
    expert_push_template_id: str = "TPL_EXPERT_PUSH"
    # The mini-program's demand page an expert push opens; ?id=<demand id> is added.
    miniapp_demand_page: str = "pages/demand/detail"


class SmsSettings(BaseModel):
    api_base_url: str = "https://dysmsapi.aliyuncs.com"
    access_key_id: str = ""
    access_key_secret: SecretStr = SecretStr("")
    sign_name: str = ""
    # --- sms channel ---
    region_id: str = "cn-hangzhou"
    # Refused before the provider is called; the operator sees the reason on the dead letter.
    per_number_daily_cap: int = 50
    # A code message goes out only while at least this much of its validity is left; later it is dead-lettered.
    code_min_validity_seconds: float = 60.0
    # Notifications to one number are spaced this far apart (the rest wait their turn, no fixed delay) and
    # at most notice_daily_per_template of one template go to one number in a rolling day (Aliyun: 50).
    notice_spacing_seconds: float = 60.0
    notice_daily_per_template: int = 50
    # Delivery receipts are accepted only at /sms/receipts/{receipt_token}; empty disables the route.
    receipt_token: SecretStr = SecretStr("")
    # A receipt naming no message of ours is asked again only while younger than this; then an orphan.
    receipt_retry_window_seconds: float = 600.0
    # The expert invitation template: ${name}, ${institution} and ${code}, the token in our fixed link
    # https://<public_base_url>/i/${code} (Aliyun takes links only as template text, variables ≤35 characters).
    expert_invite_template: str = "SMS_EXPERT_INVITE"


class RegistrySettings(BaseModel):
    """The business registry (工商信息) that fills in and confirms enterprises.

    provider "" (the default): none; institutions enter enterprises by hand (未核验) and the pages say so.
    provider "qichacha": 企查查 open platform API 410 with this AppKey and SecretKey. Sandbox mode without a
    provider talks to the sandbox's offline 企查查 through the same adapter.
    """

    provider: Literal["", "qichacha"] = ""
    api_base_url: str = "https://api.qichacha.com"
    app_key: str = ""
    secret_key: SecretStr = SecretStr("")
    timeout_seconds: float = Field(default=10.0, gt=0)

    @model_validator(mode="after")
    def _credentials_for_provider(self) -> RegistrySettings:
        if self.provider and not (self.app_key and self.secret_key.get_secret_value()):
            raise ValueError(f"registry provider {self.provider!r} needs registry app_key and secret_key")
        return self


class AuthSettings(BaseModel):
    """Sign-in and sessions; handlers get these as an AuthPolicy."""

    # Sliding: each use extends the session by this much again.
    micro_app_session_hours: float = 168.0
    mini_program_session_hours: float = 168.0
    web_session_hours: float = 12.0
    lockout_failures: int = 5
    lockout_minutes: float = 15.0
    sms_code_seconds: float = 300.0
    # The provider's flow control for codes to one number (Aliyun: 1 a minute, 5 an hour, 10 a day, rolling):
    # a request beyond them is refused up front with the time to wait, never sent late.
    sms_resend_seconds: float = 60.0
    sms_hourly_per_number: int = 5
    sms_daily_per_number: int = 10
    sms_max_wrong: int = 5
    # Codes one signed-in account may have sent to new numbers a day (it could otherwise text any number).
    mobile_change_codes_per_account: int = 5
    # The provider's template codes for the code messages (variable: ${code}).
    sms_login_template: str = "SMS_LOGIN_CODE"
    sms_reset_template: str = "SMS_RESET_CODE"
    sms_change_mobile_template: str = "SMS_CHANGE_MOBILE_CODE"
    sms_register_template: str = "SMS_REGISTER_CODE"


class CalendarSettings(BaseModel):
    """Working days and office hours; reminders go out only inside them (local time, Settings.timezone)."""

    office_opens: time = time(9, 0)
    office_closes: time = time(18, 0)
    # JSON {"holidays": [...], "workdays": [...]} of YYYY-MM-DD dates, merged with the two lists below; it
    # wins over the package data and is what a year beyond chinese-calendar's data relies on.
    overrides_path: Path | None = None
    holidays: list[date] = Field(default_factory=list)
    workdays: list[date] = Field(default_factory=list)

    @model_validator(mode="after")
    def _opens_before_closing(self) -> CalendarSettings:
        if not self.office_opens < self.office_closes:
            raise ValueError("calendar office_opens must be before office_closes")
        return self


class FollowUpSettings(BaseModel):
    """When a demand in docking without follow-up reminds its staff member, then escalates to the centre admin."""

    remind_after_working_days: int = Field(default=3, ge=1)
    # Counted from the day the staff reminder went out.
    escalate_after_working_days: int = Field(default=2, ge=1)


class ReviewSettings(BaseModel):
    """Review time limits in working days (行政许可法 counting: holidays excluded, 补正 restarts the clock)."""

    # KEZHUAN_REVIEWS__DEMAND_REVIEW_DAYS: the institution admin's demand review; overdue, the city officials
    # of the demand's region are told.
    demand_review_days: int = Field(default=3, ge=1, le=60)
    # How often the leased reminder job looks for due reminders, overdue updates and escalations.
    reminder_interval_seconds: int = Field(default=300, ge=30)


class NumberFormatSetting(BaseModel):
    """A registration-number format for one year and/or region prefix (KEZHUAN_REGISTRATION__NUMBER_FORMATS is a
    JSON list of these)."""

    pattern: str
    year: int | None = None
    region_prefix: str = ""


class RegistrationSettings(BaseModel):
    """Registration (seeds 000/001): the platform's certification review and the registration numbers."""

    certification_review_days: int = Field(default=5, ge=1, le=60)
    # The micro-app's certification page; the certification id is appended (the review card's 查看详情).
    certification_page: str = ""
    # ${name}, ${status}, ${reason}: the applicant hears of the platform's decision.
    sms_decision_template: str = "SMS_CERTIFICATION_DECIDED"
    # {year}, {region} (6 digits) and {seq} (the per-year, per-region counter, e.g. {seq:04d}).
    number_format: str = "{region}{year}{seq:04d}"
    number_formats: list[NumberFormatSetting] = Field(default_factory=list)
    # The city bureau's review of an institution's registration (seed 000 一.4), in working days.
    institution_review_days: int = Field(default=10, ge=1, le=60)
    # The micro-app's registration page for reviewers; the registration id is appended (the card's 查看详情).
    institution_page: str = ""
    # The annual update window (年度更新) each year, "MM-DD" to "MM-DD" inclusive; empty: closed.
    update_opens: str = ""
    update_closes: str = ""
    # 审核结果通知 (thing1 申请事项, phrase2 审核结果, thing3 审核意见, time4 审核时间): the decision on WeChat for an
    # applicant following the official account (the sandbox account holds it under this id); empty: SMS only.
    wechat_decision_template: str = "TPL_REVIEW_RESULT"
    # Each stage of a technology manager's reviews (机构审核, 市级审核, the platform's 删除审核), in working days.
    manager_review_days: int = Field(default=5, ge=1, le=60)
    # The city bureau (a 6-digit GB/T 2260 code) that reviews and sees the technology managers registering without
    # an institution (seed 000: managers working in Beijing, 110100).
    individual_region: str = Field(default="110100", pattern=r"^[1-9]\d{5}$")


class DemandSettings(BaseModel):
    # The platform's floor for every fee ratio, in basis points (seed 004 §一.1: 5 %).
    fee_floor_bp: int = 500
    # The micro-app's demand page; the demand id is appended (the review card's 查看详情).
    detail_page: str = ""
    # ${title} and ${status}: what an enterprise contact hears of their demand.
    sms_template: str = "SMS_DEMAND_STATUS"


class DigestSettings(BaseModel):
    """The experts' daily digest (issue #7 item 4): a template message at 16:00 local time by default."""

    # A 新需求提醒 template: thing1 需求名称, number2 需求数量, date3 推送日期
    # (declared in cards.template_messages.EXPERT_DIGEST; the template chosen must have these keyword names).
    template_id: str = "DIGEST_TEMPLATE"
    # The mini-program page listing one digest's demands (`?digest=<id>` is appended).
    page: str = "pages/expert/digest/index"
    cron: str = "0 16 * * *"
    # A run missed while the service was down is caught up at start-up until this local time.
    catch_up_until: time = time(22, 0)
    # Digest messages per business date at most; the template quota is shared with other templates.
    daily_cap: int = Field(default=90_000, ge=0)
    first_digest_days: int = Field(default=7, ge=1)
    chunk_size: int = Field(default=10_000, ge=1)

    @field_validator("cron")
    @classmethod
    def _cron_parses(cls, value: str) -> str:
        from apscheduler.triggers.cron import CronTrigger

        CronTrigger.from_crontab(value)  # raises ValueError on a bad expression, at start-up
        return value


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEZHUAN_", env_nested_delimiter="__", extra="ignore")

    environment: str = "development"
    database_url: str = DEFAULT_SQLITE_URL
    # PostgreSQL connections each instance keeps open (as many again may open for a burst); opened at start.
    database_pool_size: int = Field(default=DEFAULT_POOL_SIZE, ge=1, le=100)
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
    # When set (ISO 8601 with an offset), this process's clock read this instant when it started and moves on
    # from there: a command run for a test or a rehearsal shares the caller's "now". Unset: the system clock.
    clock_start: datetime | None = None
    # The test channel (a provider used by the test suite and the console); unset means not wired.
    test_channel_url: str | None = None
    # A CJK font file for the monitoring charts; unset: the first installed of bot.charts.CJK_FAMILIES.
    chart_font: str | None = None

    outbox: OutboxSettings = Field(default_factory=OutboxSettings)
    audit: AuditSettings = Field(default_factory=AuditSettings)
    dingtalk: DingTalkSettings = Field(default_factory=DingTalkSettings)
    wechat: WeChatSettings = Field(default_factory=WeChatSettings)
    sms: SmsSettings = Field(default_factory=SmsSettings)
    registry: RegistrySettings = Field(default_factory=RegistrySettings)
    auth: AuthSettings = Field(default_factory=AuthSettings)
    calendar: CalendarSettings = Field(default_factory=CalendarSettings)
    follow_up: FollowUpSettings = Field(default_factory=FollowUpSettings)
    reviews: ReviewSettings = Field(default_factory=ReviewSettings)
    demands: DemandSettings = Field(default_factory=DemandSettings)
    registration: RegistrationSettings = Field(default_factory=RegistrationSettings)
    digest: DigestSettings = Field(default_factory=DigestSettings)

    @field_validator("clock_start")
    @classmethod
    def _clock_start_is_aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("clock_start needs a UTC offset, e.g. 2027-01-04T09:00:00+08:00")
        return value

    @property
    def files_dir(self) -> Path:
        return self.data_dir / "files"

    @property
    def base_url(self) -> str:
        return self.public_base_url or f"http://{self.host}:{self.port}"
