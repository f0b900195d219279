"""What a simulated phone offers for links in a message: open a web link in WeChat (where a QR code can be
long-pressed), or open the mini-program page a customer-service text links to."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

_URL = re.compile(r"https?://[A-Za-z0-9._~:/?#@!$&'()*+,;=%-]+")
_MINIPROGRAM = re.compile(r'<a [^>]*data-miniprogram-path="([^"]*)"[^>]*>([^<]*)</a>')


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
    return [
        {
            "label": f"{unescape(label)}（打开小程序，授权本机手机号）",
            "url": "/wechat/console/mini-program-bind",
            "body": {"person_id": person_id, "path": unescape(path)},
        }
        for path, label in _MINIPROGRAM.findall(text)
    ]
