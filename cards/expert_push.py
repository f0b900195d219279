"""The template message an expert receives when a demand is pushed to them (a 需求匹配通知 template).

Each value is fitted to its keyword's type (cards.template_messages): a thing shows at most 20 characters on
one line, clipped here with an ellipsis instead of a cut word. The detail is on the mini-program page it opens.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cards.template_messages import EXPERT_PUSH


def push_template(
    *,
    template_id: str,
    mini_app_id: str,
    page_path: str,
    demand_title: str,
    field_name: str,
    institution_name: str,
    pushed_at: datetime,
) -> dict[str, Any]:
    """The wechat.template payload; `pushed_at` in the reader's local time."""
    return {
        "template_id": template_id,
        "data": EXPERT_PUSH.data(
            {"thing1": demand_title, "thing2": field_name, "thing3": institution_name, "time4": pushed_at}
        ),
        "miniprogram": {"appid": mini_app_id, "pagepath": page_path},
    }
