"""The follow-up form of a demand in docking, declared once (handlers.forms)."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from handlers.demands.form import DEMAND_EDIT
from handlers.errors import InvalidInput
from handlers.forms.declaration import Context, Field, Form, Rule
from handlers.organisation.validation import EARLIEST_FOLLOW_UP
from store.models.organisation_people import FollowUpKind

KIND_LABELS = {
    FollowUpKind.VISIT: "走访",
    FollowUpKind.PHONE: "电话",
    FollowUpKind.ONLINE: "线上",
    FollowUpKind.OTHER: "其他",
}
_KIND = ("invalid_follow_up_kind", "请选择正确的跟进类型")


def _not_before_the_platform(occurred_at: datetime, _context: Context) -> datetime:
    if occurred_at < EARLIEST_FOLLOW_UP:
        raise InvalidInput("跟进时间不能早于2000年1月1日", code="invalid_time")
    return occurred_at


FOLLOW_UP = Form(
    "follow_up",
    "添加跟进记录",
    ("POST", "/api/v1/demands/{demand_id}/follow-ups"),
    (
        Field(
            "kind",
            "choice",
            "跟进类型",
            required=True,
            choices=tuple((k.value, label) for k, label in KIND_LABELS.items()),
            messages={"choice": _KIND, "required_choice": _KIND},
        ),
        Field(
            "occurred_at",
            "datetime",
            "跟进时间",
            required=True,
            rule=_not_before_the_platform,
            messages={"required": ("invalid_time", "请填写正确的跟进时间")},
        ),
        Field("content", "textarea", "跟进内容", required=True, max_length=2000),
        dataclasses.replace(DEMAND_EDIT.field("attachment_ids"), section=None),
    ),
    # Checked by the use case against the clock once the caller may write.
    (Rule("invalid_time", "跟进时间不能晚于现在", ("occurred_at",)),),
)
