"""The template message an expert receives when a demand is pushed to them (a 需求匹配通知 template).

WeChat shows at most 20 characters of each keyword value, on one line, and trims silently: values are clipped
here so the reader sees an ellipsis instead of a cut word. The detail is on the mini-program page it opens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

TEMPLATE_VALUE_MAX = 20
ELLIPSIS = "…"


def clip(value: str, limit: int = TEMPLATE_VALUE_MAX) -> str:
    """One line, at most `limit` characters, an ellipsis where it was cut; a dash for nothing."""
    line = " ".join(value.split())
    if not line:
        return "-"
    return line if len(line) <= limit else line[: limit - 1] + ELLIPSIS


def push_template(*, template_id: str, mini_app_id: str, page_path: str, demand_title: str, field_name: str,
                  institution_name: str, pushed_at: datetime) -> dict[str, Any]:
    """The wechat.template payload; `pushed_at` in the reader's local time."""
    return {
        "template_id": template_id,
        "data": {
            "thing1": {"value": clip(demand_title)},
            "thing2": {"value": clip(field_name)},
            "thing3": {"value": clip(institution_name)},
            "time4": {"value": pushed_at.strftime("%Y年%m月%d日 %H:%M")},
        },
        "miniprogram": {"appid": mini_app_id, "pagepath": page_path},
    }
