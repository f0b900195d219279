"""What a card callback answers when it cannot do what was asked: a polite line for the presser only."""

from __future__ import annotations

FAILED = "操作未成功，请稍后再试"
UNKNOWN = "该按钮已失效，请刷新后再试"
INVALID = "卡片信息不完整，请联系管理员"
DUPLICATE = "已处理"


def tip(text: str) -> dict[str, str]:
    """Private card data shown only to the person who pressed."""
    return {"tip": text}
