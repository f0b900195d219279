"""审核结果通知: a registration decision as a WeChat template message, each value fitted to its keyword's type (a
reason longer than a thing's 20 characters is cut; none is 「无」: WeChat refuses an empty value)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cards.template_messages import REVIEW_RESULT


def review_result_template(
    *, template_id: str, matter: str, result: str, reason: str, decided_at: datetime, url: str = ""
) -> dict[str, Any]:
    """The wechat.template payload; `result` at most 5 Chinese characters (已通过 / 未通过 / 退回修改), `decided_at`
    in the reader's local time."""
    content: dict[str, Any] = {
        "template_id": template_id,
        "data": REVIEW_RESULT.data(
            {"thing1": matter, "phrase2": result, "thing3": reason or "无", "time4": decided_at}
        ),
    }
    if url:
        content["url"] = url
    return content
