"""What the DingTalk workbench component (工作台定制组件, webapp/dingtalk-workbench-component) shows: a few of the
person's live counts, each opening the page where the work is. Pure: the counts and the page address in, the
component's data out. A count that does not apply to the person's roles is left out, never shown as 0."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class ComponentItem:
    key: str  # stable: pending_reviews, follow_ups_due, points
    label: str
    value: int
    unit: str
    note: str  # a second line, e.g. 「其中1件已超期」; "" for none
    alert: bool  # shown in the warning colour (something overdue or due)
    url: str  # the workbench page opened on a tap


@dataclass(frozen=True)
class ComponentData:
    title: str
    items: tuple[ComponentItem, ...]
    url: str  # the workbench home (「进入工作台」)
    updated_at: datetime


def component_data(
    page_url: str,
    now: datetime,
    *,
    pending_reviews: int,
    overdue_reviews: int,
    follow_ups_due: int | None,
    points: int | None,
) -> ComponentData:
    items = [
        ComponentItem(
            "pending_reviews",
            "待我审核",
            pending_reviews,
            "件",
            f"其中{overdue_reviews}件已超期" if overdue_reviews else "",
            overdue_reviews > 0,
            page_url + "#/reviews",
        )
    ]
    if follow_ups_due is not None:
        items.append(
            ComponentItem(
                "follow_ups_due",
                "待跟进需求",
                follow_ups_due,
                "项",
                "已到跟进时间" if follow_ups_due else "",
                follow_ups_due > 0,
                page_url + "#/demands?status=docking",
            )
        )
    if points is not None:
        items.append(ComponentItem("points", "我的积分", points, "分", "", False, page_url + "#/points"))
    return ComponentData("科转工作台", tuple(items), page_url, now)
