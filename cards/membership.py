"""What a new member sees: the welcome card with the workbench entry, and why an acceptance did not count."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cards.templates import Button, CardTemplate, register

WELCOME_CARD = register(
    CardTemplate(
        id="kezhuan.membership_welcome.schema",
        title="欢迎加入科转",
        body="{name}，您好！您已作为{role}加入科转平台{scope}。\n点击「进入工作台」开始使用。",
        variables=("name", "role", "scope", "workbench_url"),
        buttons=(Button("进入工作台", None, link="workbench_url"),),
    )
)

ROLE_LABELS = {
    "system_admin": "系统管理员",
    "institution_admin": "法人机构管理员",
    "centre_admin": "地方转移中心管理员",
    "staff": "技转人员",
    "official": "科技管理人员",
}
EXPIRED_TEXT = "邀请已过期，请联系管理员重新邀请"


@dataclass(frozen=True)
class WelcomeView:
    name: str
    role: str  # Role value
    scope: str  # the institution or region the role applies to; may be empty
    workbench_url: str


def welcome_card(view: WelcomeView) -> dict[str, str]:
    return {
        "name": view.name,
        "role": ROLE_LABELS.get(view.role, view.role),
        "scope": f"（{view.scope}）" if view.scope else "",
        "workbench_url": view.workbench_url,
    }


def _text(content: str) -> dict[str, Any]:
    return {"msgtype": "text", "text": {"content": f"科转平台：{content}"}}


def invitation_expired_notice() -> dict[str, Any]:
    """A work notice to someone who accepted DingTalk's invitation after ours expired."""
    return _text(EXPIRED_TEXT)


def invitation_revoked_notice(reason: str) -> dict[str, Any]:
    return _text(f"邀请已撤销：{reason}")
