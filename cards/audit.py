"""The work notice that hands an auditor each anchored audit checkpoint."""

from __future__ import annotations

from datetime import datetime


def anchor_notice_text(*, seq: int, digest: str, created_at: datetime | None) -> str:
    when = f"，时间 {created_at.strftime('%Y-%m-%d %H:%M:%S %Z').strip()}" if created_at else ""
    return (
        f"留痕存证锚点：检查点 {seq}{when}，哈希 {digest}。"
        "请勿删除本消息：核验审计链（kezhuan audit verify）时可与数据库中的检查点逐一比对。"
    )
