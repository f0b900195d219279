"""What a simulated phone offers for links in a message: open a web link in WeChat (where a QR code can be
long-pressed), or open the mini-program page a customer-service text links to."""

from __future__ import annotations

import re
from html import unescape
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+")
_MINIPROGRAM = re.compile(r'<a [^>]*data-miniprogram-path="([^"]*)"[^>]*>([^<]*)</a>')


EXPERT_PAGES = "/m/expert/"


def hosted_page(pagepath: str) -> str | None:
    """The experts' hosted page standing in for a mini-program page (bot settings' default paths), or None.

    The sandbox has no mini-program runtime: a template message's or a menu's mini-program page opens the same
    view of the hosted pages inside the simulated phone."""
    parts = urlsplit(pagepath)
    path, query = parts.path.strip("/"), parse_qs(parts.query)
    if path == "pages/expert/digest/index" and query.get("digest"):
        return f"{EXPERT_PAGES}#/digest/{query['digest'][0]}"
    if path == "pages/demand/detail" and query.get("id"):
        return f"{EXPERT_PAGES}#/demands/{query['id'][0]}"
    if path == "pages/hall/index":
        return f"{EXPERT_PAGES}#/hall"
    if path == "pages/bind/index":  # 「前往绑定信息」: the bind page, with the invitation it came from
        invitation = query.get("invitation")
        return f"{EXPERT_PAGES}#/bind" + (f"?invitation={quote(invitation[0], safe='')}" if invitation else "")
    return None


def url_actions(person_id: str, text: str) -> list[dict[str, Any]]:
    return [
        {
            "label": "在微信中打开链接并识别二维码",
            "url": "/wechat/console/open-link",
            "body": {"person_id": person_id, "url": url},
        }
        for url in _URL.findall(text)
    ]


def miniprogram_actions(person_id: str, text: str) -> list[dict[str, Any]]:
    """A mini-program link in a message: the console opens the hosted page standing in for its page in the phone
    (`page`: the bind page, where the person binds as in the mini-program); `url` plays the mini-program's whole
    bind at once (wx.login, then the phone-number authorization) for a script or test that wants only the outcome."""
    return [
        {
            "label": f"{unescape(label)}（打开小程序）",
            "url": "/wechat/console/mini-program-bind",
            "body": {"person_id": person_id, "path": unescape(path)},
            **({"page": page} if (page := hosted_page(unescape(path))) else {}),
        }
        for path, label in _MINIPROGRAM.findall(text)
    ]
