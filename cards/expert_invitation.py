"""What an invited expert reads: the SMS parameters and the official account's bind message."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

# Aliyun notice-template variables hold 1–35 characters; links must be fixed template text, so the
# template carries our domain and the path, and only the invitation token is a variable.
SMS_VARIABLE_MAX = 35
BIND_LINK_TEXT = "前往绑定信息"


def _clip(value: str) -> str:
    return value.strip()[:SMS_VARIABLE_MAX] or "-"


def invitation_sms_params(expert_name: str, institution_name: str, token: str) -> dict[str, str]:
    """For a template such as: ${name}您好，${institution}邀请您加入科转专家库，请在微信中打开
    https://<our domain>/i/${code} 识别二维码关注公众号，完成专家信息绑定。"""
    return {"name": _clip(expert_name), "institution": _clip(institution_name), "code": token}


def bind_page_path(page: str, token: str) -> str:
    return f"{page.lstrip('/')}?invitation={quote(token)}"


def _bind_link(mini_app_id: str, page_path: str, fallback_url: str) -> str:
    """A mini-program text link; WeChat documents it for customer-service text (the mini-program must be tied
    to the official account)."""
    return (
        f'<a href="{escape(fallback_url)}" data-miniprogram-appid="{escape(mini_app_id)}" '
        f'data-miniprogram-path="{escape(page_path)}">{BIND_LINK_TEXT}</a>'
    )


def bind_message(*, mini_app_id: str, page_path: str, fallback_url: str, institution_name: str) -> str:
    """The invitation's customer-service text."""
    link = _bind_link(mini_app_id, page_path, fallback_url)
    return (
        f"欢迎关注科转！{institution_name}已将您加入专家库。\n"
        f"请点击「{link}」，在小程序中使用与专家信息一致的手机号完成绑定。"
    )


def bind_request_message(*, mini_app_id: str, page_path: str, fallback_url: str) -> str:
    """The answer to 「绑定」 from someone not yet bound (an expert or an enterprise contact): the same mini-program
    link as the invitation's."""
    link = _bind_link(mini_app_id, page_path, fallback_url)
    return f"请点击「{link}」，在小程序中使用机构为您登记的手机号完成绑定（专家或企业联系人）。"


BIND_IN_MINI_PROGRAM_TEXT = "请在「科转」小程序中使用机构为您登记的手机号完成绑定（专家或企业联系人）。"
ALREADY_BOUND_TEXT = "您已完成专家信息绑定，可直接在小程序中查看需求。"
INVITATION_EXPIRED_TEXT = "该邀请二维码已过期，请联系法人机构管理员重新发送邀请。"
