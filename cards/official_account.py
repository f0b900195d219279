"""What the official account answers to keywords and menu clicks (plain text: a passive reply carries no card), and
how the official account and the mini-program greet a bound person: as an expert, an enterprise contact, or both,
each told what that role can do."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

HELP_TEXT = (
    "科转公众号服务专家和企业联系人，请先在小程序中用机构为您登记的手机号完成绑定：\n"
    "专家：\n"
    "· 每天 16:00 推送与您订阅领域匹配的新需求，点击消息进入小程序查看详情、对接需求；\n"
    "· 在小程序「我的」中维护个人信息与订阅领域；\n"
    "· 回复「我的订阅」「我的对接」查看订阅领域与正在对接的需求。\n"
    "企业联系人：\n"
    "· 在小程序中为本企业发布需求，查看需求的审核与对接进展；\n"
    "· 需求审核通过、开始对接和完成时会收到短信通知。\n"
    "回复「绑定」查看或完成身份绑定，回复「帮助」可再次查看本说明。"
)
WELCOME_TEXT = (
    "欢迎关注科转！专家可接收与专业领域匹配的需求推送并在小程序中对接；企业联系人可在小程序中发布需求、查看进展。"
    "回复「帮助」了解更多。"
)
FALLBACK_TEXT = "消息已收到。回复「帮助」查看可用功能。"
NOT_BOUND_TEXT = "您还没有绑定身份，请回复「绑定」完成绑定后再查看。"
LISTED = 3  # titles named in a reply; the mini-program has the rest

EXPERT_LABEL = "专家"
CONTACT_LABEL = "企业联系人"
EXPERT_CAN = "在「需求大厅」查看并对接需求、维护个人信息与订阅领域，每天 16:00 收到匹配领域的新需求推送"
CONTACT_CAN = "为本企业发布需求、查看本企业需求的审核与对接进展，需求审核通过、开始对接和完成时会收到短信通知"
CONTACT_NOT_EXPERT_TEXT = (
    "「我的订阅」「我的对接」是专家的功能。您以企业联系人身份绑定，可在小程序中" + CONTACT_CAN + "。"
)


@dataclass(frozen=True)
class WeChatRoles:
    """The roles a bound WeChat user holds that the mini-program and the official account serve."""

    expert: bool
    contact: bool

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(label for held, label in ((self.expert, EXPERT_LABEL), (self.contact, CONTACT_LABEL)) if held)

    @property
    def abilities(self) -> str:
        parts = [
            f"作为{label}，您可以{can}"
            for held, label, can in (
                (self.expert, EXPERT_LABEL, EXPERT_CAN),
                (self.contact, CONTACT_LABEL, CONTACT_CAN),
            )
            if held
        ]
        return "；".join(parts) + "。" if parts else ""


NO_ROLE_TEXT = "您的账号目前没有专家或企业联系人身份，请联系法人机构管理员。"


def bound_text(name: str, roles: WeChatRoles) -> str:
    """The answer to 「绑定」 from someone already bound: as whom, and what they can do."""
    if not roles.labels:
        return f"您已绑定账号：{name}。{NO_ROLE_TEXT}"
    return f"您已绑定{'、'.join(roles.labels)}身份：{name}。{roles.abilities}"


def greeting(name: str, roles: WeChatRoles) -> str:
    """What the mini-program shows once a person is signed in (bound now, or before)."""
    if not roles.labels:
        return f"{name}，欢迎使用科转小程序！{NO_ROLE_TEXT}"
    return f"{name}，欢迎您以{'、'.join(roles.labels)}身份使用科转小程序！{roles.abilities}"


def _titles(titles: Sequence[str]) -> str:
    return "\n".join(f"· {t}" for t in titles[:LISTED])


def my_dockings_text(total: int, titles: Sequence[str]) -> str:
    if total == 0:
        return "您还没有对接需求。可在小程序「需求大厅」查看需求并点击「对接该需求」。"
    more = f"\n等 {total} 条" if total > LISTED else ""
    return f"您正在对接 {total} 条需求：\n{_titles(titles)}{more}\n在小程序「我的对接」中查看详情、联系技术经纪人。"


def my_subscriptions_text(fields: Sequence[str]) -> str:
    if not fields:
        return "您还没有订阅技术领域。可在小程序「需求订阅」中选择最多 5 个领域，每天 16:00 收到匹配的新需求。"
    return (
        "您订阅了以下技术领域：\n"
        + "\n".join(f"· {f}" for f in fields)
        + "\n每天 16:00 推送这些领域的新需求；可在小程序「需求订阅」中修改。"
    )
