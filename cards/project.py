"""The work notice to an institution admin about a project whose intermediary fee was paid below the agreed
ratio (pure)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

VIEW_PROJECT = "查看项目"


@dataclass(frozen=True)
class LowFee:
    project_name: str
    demand_number: str
    demand_title: str
    staff_name: str
    expected_fee_fen: int
    paid_fee_fen: int
    ratio_bp: int
    link: str  # the demand's page in the micro-app; "" when not configured


def _yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}元"


def low_fee_card(fee: LowFee) -> dict[str, Any]:
    title = "中介服务费低于约定比例"
    markdown = (
        f"### {title}\n\n项目「{fee.project_name}」（需求「{fee.demand_title}」{fee.demand_number}，"
        f"对接人员：{fee.staff_name}）登记的中介费兑付金额为 {_yuan(fee.paid_fee_fen)}，"
        f"低于按约定比例 {fee.ratio_bp / 100:g}% 计算的 "
        f"{_yuan(fee.expected_fee_fen)}，请核实。"
    )
    if not fee.link:
        return {"msgtype": "markdown", "markdown": {"title": title, "text": markdown}}
    return {
        "msgtype": "action_card",
        "action_card": {"title": title, "markdown": markdown, "single_title": VIEW_PROJECT, "single_url": fee.link},
    }
