"""The review card: one per reviewer and stage, with 通过 / 驳回 (reason input) / 退回修改 and a detail link."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import CardAction
from cards.templates import Button, CardTemplate, VisibleWhen, register

PENDING = "待审核"
OPEN = VisibleWhen("open", "true")
REASON_INPUT = "reason"  # the 驳回/退回 input's name; DingTalk returns it among the callback params

REVIEW_CARD = register(CardTemplate(
    id="kezhuan.review.schema",
    title="{chain_name}：{title}",
    body="{summary}\n提交人：{submitter}\n审核环节：{stage_name}\n状态：{status}",
    variables=("review_id", "stage", "chain_name", "title", "summary", "submitter", "stage_name", "status", "open",
               "link"),
    buttons=(
        Button("通过", CardAction.REVIEW_APPROVE, params=("review_id", "stage"), visible_when=OPEN),
        Button("驳回", CardAction.REVIEW_REJECT, params=("review_id", "stage"), visible_when=OPEN,
               inputs=(REASON_INPUT,)),
        Button("退回修改", CardAction.REVIEW_RETURN, params=("review_id", "stage"), visible_when=OPEN,
               inputs=(REASON_INPUT,)),
        Button("查看详情", None, link="link"),
    ),
))

VERBS = {"approved": "通过", "rejected": "驳回", "returned": "退回修改", "withdrawn": "撤回"}


@dataclass(frozen=True)
class ReviewCardView:
    review_id: int
    stage: int
    chain_name: str
    title: str
    summary: str
    submitter: str
    stage_name: str
    link: str


def review_card(view: ReviewCardView) -> dict[str, str]:
    """The card's cardParamMap; every value a string, as DingTalk requires."""
    return {
        "review_id": str(view.review_id), "stage": str(view.stage), "chain_name": view.chain_name,
        "title": view.title, "summary": view.summary, "submitter": view.submitter, "stage_name": view.stage_name,
        "status": PENDING, "open": "true", "link": view.link,
    }


def decided_status(outcome: str, by: str, reason: str | None = None) -> str:
    """「已由张三通过」, with the reason of a rejection or return."""
    if outcome == "withdrawn":
        return "提交人已撤回"
    text = f"已由{by}{VERBS.get(outcome, outcome)}"
    return f"{text}（{reason}）" if reason else text


def decided_update(outcome: str, by: str, reason: str | None = None) -> dict[str, str]:
    """Every card of the decided stage: the buttons go, the state names who decided."""
    return {"status": decided_status(outcome, by, reason), "open": "false"}
