"""The daily digest's template message (pure): the newest title, how many, and the business date."""

from __future__ import annotations

from datetime import date
from typing import Any

from cards.template_messages import EXPERT_DIGEST, clip

# A thing keyword holds at most 20 characters (WeChat refuses more with 47003).
FIELD_LIMIT = 20


def digest_template(
    *,
    template_id: str,
    first_title: str,
    count: int,
    business_date: date,
    miniapp_app_id: str,
    page: str,
    digest_id: int,
) -> dict[str, Any]:
    """thing1: the newest demand's title (with 等 when there are more); number2: how many; date3: the date."""
    title = clip(first_title, FIELD_LIMIT) if count == 1 else clip(first_title, FIELD_LIMIT - 1) + "等"
    return {
        "template_id": template_id,
        "data": EXPERT_DIGEST.data({"thing1": title, "number2": count, "date3": business_date}),
        "miniprogram": {"appid": miniapp_app_id, "pagepath": f"{page}?digest={digest_id}"},
    }
