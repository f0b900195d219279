"""The 「确认收到」 card: a notice the recipient acknowledges with one press."""

from __future__ import annotations

from dataclasses import dataclass

from cards.actions import CardAction
from cards.templates import Button, CardTemplate, VisibleWhen, register

PENDING = "待确认"

ACKNOWLEDGE_CARD = register(
    CardTemplate(
        id="kezhuan.notice_acknowledge.schema",
        title="{title}",
        body="{content}\n状态：{status}",
        variables=("notice_id", "title", "content", "status", "acknowledged"),
        buttons=(
            Button(
                "确认收到",
                CardAction.ACKNOWLEDGE,
                params=("notice_id",),
                visible_when=VisibleWhen("acknowledged", "false"),
            ),
        ),
    )
)


@dataclass(frozen=True)
class NoticeView:
    notice_id: str
    title: str
    content: str
    acknowledged_by: str | None = None


def acknowledge_card(view: NoticeView) -> dict[str, str]:
    """The card's cardParamMap; every value a string, as DingTalk requires."""
    done = view.acknowledged_by is not None
    return {
        "notice_id": view.notice_id,
        "title": view.title,
        "content": view.content,
        "status": f"已由{view.acknowledged_by}确认收到" if done else PENDING,
        "acknowledged": "true" if done else "false",
    }


def acknowledged_update(by: str) -> dict[str, str]:
    """The shared card after the press: the button goes, the state names who confirmed."""
    return {"status": f"已由{by}确认收到", "acknowledged": "true"}
