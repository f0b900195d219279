"""The follow-up reminder to the docking staff member and the escalation to the centre admin: DingTalk work
notices as action cards whose one button, 「记录跟进」 / 「查看需求」, opens the demand's page (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

RECORD_FOLLOW_UP = "记录跟进"
VIEW_DEMAND = "查看需求"


@dataclass(frozen=True)
class SilentDemand:
    demand_id: int
    number: str  # XQ2026-000123, the number people quote
    title: str
    staff_name: str
    silent_since: str  # the local date the silence started, e.g. 2025-09-30
    link: str  # the demand's page in the micro-app; "" when not configured


def _card(title: str, markdown: str, button: str, link: str) -> dict[str, Any]:
    if not link:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    return {
        "msgtype": "action_card",
        "action_card": {"title": title, "markdown": markdown, "single_title": button, "single_url": link},
    }


def reminder_card(demand: SilentDemand) -> dict[str, Any]:
    title = "需求跟进提醒"
    markdown = (
        f"### {title}\n\n您对接的需求「{demand.title}」（{demand.number}）自 {demand.silent_since} "
        f"起尚无跟进记录，请尽快跟进并在平台「{RECORD_FOLLOW_UP}」。"
    )
    return _card(title, markdown, RECORD_FOLLOW_UP, demand.link)


def escalation_card(demand: SilentDemand) -> dict[str, Any]:
    title = "需求跟进督办"
    markdown = (
        f"### {title}\n\n需求「{demand.title}」（{demand.number}，对接人员：{demand.staff_name}）"
        f"自 {demand.silent_since} 起尚无跟进记录，提醒后仍未跟进，请督促或更换对接人员。"
    )
    return _card(title, markdown, VIEW_DEMAND, demand.link)
