"""What the sandbox official account knows: tokens, followers, windows, quotas, one-shot codes."""

from __future__ import annotations

import itertools
import secrets
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from cards.template_messages import TEMPLATE_MESSAGES, TemplateMessage
from sandbox.wechat.credentials import SANDBOX_ACCOUNT, SandboxAccount

TOKEN_TTL = timedelta(seconds=7200)
CODE_TTL = timedelta(minutes=5)
CLIENT_MSG_ID_TTL = timedelta(minutes=10)


@dataclass
class WxUser:
    openid: str
    unionid: str
    person_id: str | None = None
    subscribed: bool = False
    scene: str | None = None
    subscribe_time: datetime | None = None
    # Customer-service window: until when, and how many messages it still allows.
    window_until: datetime | None = None
    window_left: int = 0
    blocks_templates: bool = False  # the person refused template messages (failed:user block)


@dataclass
class WeChatSandboxState:
    account: SandboxAccount = SANDBOX_ACCOUNT
    template_daily_cap: int = 100_000
    # The job report (TEMPLATESENDJOBFINISH) of a send may reach the webhook before the send's answer reaches
    # the sender: when set, it is pushed before the answer (else in the background after it).
    report_before_answer: bool = False
    # The account's templates (我的模板) by id, from the declarations our builders use.
    templates: dict[str, TemplateMessage] = field(default_factory=lambda: {t.default_id: t for t in TEMPLATE_MESSAGES})
    token: str | None = None
    token_expires: datetime | None = None
    token_fetches: int = 0
    # The mini-program is a second app with its own appid, secret and token.
    mini_token: str | None = None
    mini_token_expires: datetime | None = None
    users: dict[str, WxUser] = field(default_factory=dict)
    # path → errcodes to answer with, one per call, before the real behaviour resumes.
    faults: dict[str, list[int]] = field(default_factory=dict)
    templates_sent: dict[date, int] = field(default_factory=dict)
    client_msg_ids: dict[tuple[str, str], tuple[str, datetime]] = field(default_factory=dict)
    js_codes: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    phone_codes: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    used_codes: set[str] = field(default_factory=set)
    qrcodes: dict[str, str] = field(default_factory=dict)
    menu: dict[str, Any] | None = None
    sent: list[dict[str, Any]] = field(default_factory=list)
    msg_ids: itertools.count[int] = field(default_factory=lambda: itertools.count(2_000_000_001))

    def user(self, openid: str, person_id: str | None = None) -> WxUser:
        if openid not in self.users:
            self.users[openid] = WxUser(openid=openid, unionid=f"u-{openid}", person_id=person_id)
        return self.users[openid]

    def issue_token(self, now: datetime, *, force: bool = False) -> tuple[str, int]:
        """stable_token: the same token until it expires, unless forced."""
        if force or self.token is None or self.token_expires is None or self.token_expires <= now:
            self.token = secrets.token_urlsafe(24)
            self.token_expires = now + TOKEN_TTL
            self.token_fetches += 1
        return self.token, int((self.token_expires - now).total_seconds())

    def issue_mini_token(self, now: datetime, *, force: bool = False) -> tuple[str, int]:
        if force or self.mini_token is None or self.mini_token_expires is None or self.mini_token_expires <= now:
            self.mini_token = secrets.token_urlsafe(24)
            self.mini_token_expires = now + TOKEN_TTL
        return self.mini_token, int((self.mini_token_expires - now).total_seconds())

    def mini_token_error(self, given: str, now: datetime) -> int:
        """The official account's token is refused here (40001), as the platform does."""
        if not given or given != self.mini_token or self.mini_token_expires is None:
            return 40001
        return 42001 if self.mini_token_expires <= now else 0

    def token_error(self, given: str, now: datetime) -> int:
        if not given or given != self.token or self.token_expires is None:
            return 40001
        return 42001 if self.token_expires <= now else 0

    def take_fault(self, path: str) -> int:
        queue = self.faults.get(path)
        if not queue:
            return 0
        code = queue.pop(0)
        if code in (40001, 42001):
            # Someone else refreshed: the token callers hold is "not latest" (/wxa/ is the mini-program's).
            if path.startswith("/wxa/"):
                self.mini_token = None
            else:
                self.token = None
        return code

    def open_window(self, openid: str, now: datetime, *, message: bool) -> None:
        """A text message opens 48 h for 5 messages; a follow, click or scan 1 minute for 3."""
        user = self.user(openid)
        user.window_until = now + (timedelta(hours=48) if message else timedelta(minutes=1))
        user.window_left = 5 if message else 3

    def new_code(self, store: dict[str, tuple[str, datetime]], value: str, now: datetime) -> str:
        code = secrets.token_hex(16)
        store[code] = (value, now + CODE_TTL)
        return code

    def use_code(self, store: dict[str, tuple[str, datetime]], code: str, now: datetime) -> str | int:
        """One-shot: the value, or 40163 for a code already used, 40029 for an unknown or expired one."""
        if code in self.used_codes:
            return 40163
        entry = store.pop(code, None)
        if entry is None or entry[1] <= now:
            return 40029
        self.used_codes.add(code)
        return entry[0]

    def next_msg_id(self) -> str:
        return str(next(self.msg_ids))
