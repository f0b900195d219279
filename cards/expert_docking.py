"""The docking staff member's card when an expert presses 对接该需求: the expert's profile, 联系专家 (dials the
expert's mobile) and 标记已沟通 (records a follow-up). 取消对接 updates the same card."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import CardAction
from cards.templates import Button, CardTemplate, VisibleWhen, register

PENDING = "待沟通"
CANCELLED = "专家已取消对接"
CONTACT_EXPERT = "联系专家"
MARK_COMMUNICATED = "标记已沟通"

DOCKING_CARD = register(
    CardTemplate(
        id="kezhuan.expert_docking.schema",
        title="专家对接：{title}",
        body="专家：{expert}（{profile}）\n手机：{mobile}\n简介：{introduction}\n状态：{status}",
        variables=(
            "docking_id",
            "round",
            "title",
            "expert",
            "profile",
            "mobile",
            "introduction",
            "status",
            "docked",
            "open",
            "tel",
        ),
        buttons=(
            # A link button: DingTalk opens the tel: URL, which dials on a phone (no callback).
            Button(CONTACT_EXPERT, None, link="tel", visible_when=VisibleWhen("docked", "true")),
            Button(
                MARK_COMMUNICATED,
                CardAction.DOCKING_COMMUNICATED,
                params=("docking_id", "round"),
                visible_when=VisibleWhen("open", "true"),
            ),
        ),
    )
)
INTRODUCTION_SHOWN = 120  # the card shows the start of a long introduction; the page has the rest


@dataclass(frozen=True)
class DockingCardView:
    docking_id: int
    round: int
    demand_number: str
    demand_title: str
    expert_name: str
    expert_title: str
    employer: str
    mobile: str
    introduction: str


def docking_card(view: DockingCardView) -> dict[str, str]:
    """The card's cardParamMap; every value a string, as DingTalk requires."""
    profile = "，".join(p for p in (view.expert_title, view.employer) if p) or "未填写"
    intro = view.introduction or "未填写"
    if len(intro) > INTRODUCTION_SHOWN:
        intro = intro[:INTRODUCTION_SHOWN] + "…"
    return {
        "docking_id": str(view.docking_id),
        "round": str(view.round),
        "title": f"{view.demand_title}（{view.demand_number}）",
        "expert": view.expert_name,
        "profile": profile,
        "mobile": view.mobile,
        "introduction": intro,
        "status": PENDING,
        "docked": "true",
        "open": "true",
        "tel": f"tel:{view.mobile}",
    }


def communicated_update(by: str) -> dict[str, str]:
    """After 标记已沟通: the button goes, 联系专家 stays, the state names who marked it."""
    return {"status": f"已由{by}{MARK_COMMUNICATED}", "open": "false"}


def handed_over_update(to: str) -> dict[str, str]:
    """After the centre admin hands the demand to another staff member: the card is theirs now, not this one's."""
    return {"status": f"已转交{to}对接", "open": "false", "docked": "false"}


def cancelled_update() -> dict[str, str]:
    """After the expert's 取消对接: both buttons go."""
    return {"status": CANCELLED, "open": "false", "docked": "false"}
