"""The daily digest's template message (pure): the count and the newest title, each within 20 characters."""

from __future__ import annotations

from datetime import date
from typing import Any

# WeChat shows at most 20 characters per keyword value since 2023-05-04 and trims silently.
FIELD_LIMIT = 20


def clip(text: str, limit: int = FIELD_LIMIT) -> str:
    text = " ".join(text.split())  # no line breaks in template values
    return text if len(text) <= limit else text[: limit - 1] + "…"


def digest_template(*, template_id: str, first_title: str, count: int, business_date: date,
                    miniapp_app_id: str, page: str, digest_id: int) -> dict[str, Any]:
    """thing1: the newest demand's title; character_string2: how many; time3: the business date."""
    title = clip(first_title) if count == 1 else clip(first_title, FIELD_LIMIT - 1) + "等"
    return {
        "template_id": template_id,
        "data": {
            "thing1": {"value": title},
            "character_string2": {"value": clip(f"{count}条新需求")},
            "time3": {"value": f"{business_date:%Y-%m-%d}"},
        },
        "miniprogram": {"appid": miniapp_app_id, "pagepath": f"{page}?digest={digest_id}"},
    }
