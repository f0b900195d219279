"""The review card: one per reviewer and stage, with 通过 / 驳回 (reason input) / 退回修改 and a detail link."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from cards.actions import CardAction
from cards.templates import Button, CardTemplate, VisibleWhen, register

PENDING = "待审核"
OPEN = VisibleWhen("open", "true")
REASON_INPUT = "reason"  # the 驳回/退回 input's name; DingTalk returns it among the callback params

REVIEW_CARD = register(
    CardTemplate(
        id="kezhuan.review.schema",
        title="{chain_name}：{title}",
        body="{summary}\n提交人：{submitter}\n审核环节：{stage_name}\n状态：{status}\n{due}",
        variables=(
            "review_id",
            "stage",
            "chain_name",
            "title",
            "summary",
            "submitter",
            "stage_name",
            "status",
            "open",
            "link",
            "due",
        ),
        buttons=(
            Button("通过", CardAction.REVIEW_APPROVE, params=("review_id", "stage"), visible_when=OPEN),
            Button(
                "驳回",
                CardAction.REVIEW_REJECT,
                params=("review_id", "stage"),
                visible_when=OPEN,
                inputs=(REASON_INPUT,),
            ),
            Button(
                "退回修改",
                CardAction.REVIEW_RETURN,
                params=("review_id", "stage"),
                visible_when=OPEN,
                inputs=(REASON_INPUT,),
            ),
            Button("查看详情", None, link="link"),
        ),
    )
)

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
    due: str = ""  # 「请于12月10日前处理」, 「已逾期2个工作日」, or nothing for a stage without a limit


def review_card(view: ReviewCardView) -> dict[str, str]:
    """The card's cardParamMap; every value a string, as DingTalk requires."""
    return {
        "review_id": str(view.review_id),
        "stage": str(view.stage),
        "chain_name": view.chain_name,
        "title": view.title,
        "summary": view.summary,
        "submitter": view.submitter,
        "stage_name": view.stage_name,
        "status": PENDING,
        "open": "true",
        "link": view.link,
        "due": view.due,
    }


def month_day(day: date) -> str:
    return f"{day.month}月{day.day}日"


def due_text(due_on: date | None, overdue_days: int = 0) -> str:
    """What the card says of the stage's time limit."""
    if due_on is None:
        return ""
    if overdue_days > 0:
        return overdue_text(overdue_days)
    return f"请于{month_day(due_on)}前处理"


def paused_text(why: str) -> str:
    """A stage whose clock waits on something whose time does not count (an expert's review)."""
    return f"审核时限暂停（{why}）" if why else "审核时限暂停"


def reminder_text(due_on: date) -> str:
    return f"请于{month_day(due_on)}前处理（即将到期）"


def overdue_text(days: int) -> str:
    return f"已逾期{days}个工作日"


def due_update(text: str) -> dict[str, str]:
    """A pending card's time-limit line changes (a reminder, another working day overdue); the relay merges it
    into the card's current data."""
    return {"due": text}


def submitted_notice(chain_name: str, title: str, receipt: str, due_on: date | None, link: str) -> str:
    """The submitter's work notice when a review round starts: the receipt number and the due date."""
    text = f"您提交的「{title}」已进入{chain_name}，受理编号：{receipt}。"
    if due_on is not None:
        text += f"\n审核时限：{month_day(due_on)}前（工作日计算，节假日顺延）。"
    if link:
        text += f"\n详情：{link}"
    return text


def reminder_notice(chain_name: str, title: str, due_on: date, link: str) -> str:
    text = f"提醒：「{title}」的{chain_name}请于{month_day(due_on)}前处理。"
    return f"{text}\n详情：{link}" if link else text


def escalation_notice(
    chain_name: str, title: str, stage_name: str, reviewers: str, due_on: date, days: int, link: str
) -> str:
    """To the escalation target: which review is overdue, since when and with whom."""
    text = (
        f"督办：「{title}」的{chain_name}（{stage_name}，审核人：{reviewers}）应于{month_day(due_on)}前处理，"
        f"已逾期{days}个工作日。"
    )
    return f"{text}\n详情：{link}" if link else text


_VERDICTS = {"approved": "已通过", "rejected": "未通过", "returned": "被退回修改"}


def decided_notice(title: str, chain_label: str, outcome: str, by: str, reason: str, link: str | None) -> str:
    """The work notice telling the submitter how their review ended (approved, rejected or returned)."""
    text = f"您提交的「{title}」{chain_label}{_VERDICTS[outcome]}（审核人：{by}）。"
    if reason:
        text += f"\n原因：{reason}"
    if link:
        text += f"\n详情：{link}"
    return text


def decided_status(outcome: str, by: str, reason: str | None = None) -> str:
    """「已由张三通过」, with the reason of a rejection or return."""
    if outcome == "withdrawn":
        return "提交人已撤回"
    text = f"已由{by}{VERBS.get(outcome, outcome)}"
    return f"{text}（{reason}）" if reason else text


def decided_update(outcome: str, by: str, reason: str | None = None) -> dict[str, str]:
    """Every card of the decided stage: the buttons go, the state names who decided."""
    return {"status": decided_status(outcome, by, reason), "open": "false", "due": ""}
