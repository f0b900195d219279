"""What the official account answers to keywords and menu clicks (plain text: a passive reply carries no card)."""

from __future__ import annotations

from collections.abc import Sequence

NOT_BOUND_TEXT = "您还没有绑定专家身份，请回复「绑定」完成绑定后再查看。"
LISTED = 3  # titles named in a reply; the mini-program has the rest


def _titles(titles: Sequence[str]) -> str:
    return "\n".join(f"· {t}" for t in titles[:LISTED])


def my_dockings_text(total: int, titles: Sequence[str]) -> str:
    if total == 0:
        return "您还没有对接需求。可在小程序「需求大厅」查看需求并点击「对接该需求」。"
    more = f"\n等 {total} 条" if total > LISTED else ""
    return f"您正在对接 {total} 条需求：\n{_titles(titles)}{more}\n在小程序「我的对接」中查看详情、联系技术经纪人。"


def my_subscriptions_text(fields: Sequence[str]) -> str:
    if not fields:
        return "您还没有订阅技术领域。可在小程序「需求订阅」中选择最多 5 个领域，每天 16:00 收到匹配的新需求。"
    return ("您订阅了以下技术领域：\n" + "\n".join(f"· {f}" for f in fields)
            + "\n每天 16:00 推送这些领域的新需求；可在小程序「需求订阅」中修改。")
