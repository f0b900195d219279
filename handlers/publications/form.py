"""The publication form (公开需求, seed 004 §四.6), declared once (handlers.forms): to all institutions or chosen
ones, with the fee ratio the accepting institution commits to. The platform's floor and the chosen institutions
(not the publisher's own, each known) are checked by the use case against its policy and stored data."""

from __future__ import annotations

from handlers.forms.declaration import INT32_MAX, Field, Form, Rule, When
from handlers.publications.letter import percent
from store.models.publications import PublicationAudience

TARGETS_MAX = 50
BASIS_POINTS_MAX = 10_000
_AUDIENCE = ("invalid_audience", "公开范围只能是全公开或指定机构公开")
_MISSING_TARGETS = ("missing_targets", "指定机构公开时请至少选择一家机构")

AUDIENCE_LABELS = {PublicationAudience.ALL: "全公开", PublicationAudience.CHOSEN: "指定机构公开"}

PUBLICATION = Form(
    "publication",
    "公开需求",
    ("POST", "/api/v1/demands/{demand_id}/publication"),
    (
        Field(
            "audience",
            "choice",
            "公开范围",
            required=True,
            choices=tuple((a.value, label) for a, label in AUDIENCE_LABELS.items()),
            messages={"choice": _AUDIENCE, "required_choice": _AUDIENCE},
        ),
        Field(
            "institution_ids",
            "ids",
            "指定机构",
            required=True,
            max_items=TARGETS_MAX,
            choices_source="/api/v1/institution-directory",  # the other institutions, by name
            when=When("audience", (PublicationAudience.CHOSEN.value,)),
            hidden_refused=True,  # sent with 全公开: refused, not dropped
            messages={
                "required_choice": _MISSING_TARGETS,
                "max_items": ("too_many_targets", "最多指定{max_items}家机构"),
                "hidden": ("targets_not_allowed", "全公开时不能指定机构"),
            },
        ),
        Field(
            "fee_ratio_bp",
            "percent",
            "中介服务费比例",
            help="受理机构承诺支付的比例，不低于平台下限",
            required=True,
            maximum=BASIS_POINTS_MAX,
            unit="%",
            scale=100,
            limit=INT32_MAX,
            messages={"maximum": ("fee_ratio_too_high", f"中介服务费比例不能超过{percent(BASIS_POINTS_MAX)}")},
        ),
    ),
    # Checked by the use case against the platform's floor and the stored institutions.
    (
        Rule("fee_ratio_too_low", "中介服务费比例不能低于平台下限", ("fee_ratio_bp",)),
        Rule("own_institution_target", "不能向本机构公开需求", ("institution_ids",)),
    ),
)
