"""The pure difference of a change request (labels, old, new; repeated groups item by item) and the card's text."""

from __future__ import annotations

from cards.registration_change import CUT, change_summary
from handlers.registration.institution_difference import FieldChange, difference
from handlers.registration.institution_form import INSTITUTION_REGISTRATION
from tests.registration.institution_fixtures import filled


def test_nothing_differs_for_the_same_values_whatever_their_shape() -> None:
    values = filled()
    as_validated = {**values, "service_industries": tuple(values["service_industries"]), "contact_email": "x@y.cn"}
    assert difference(INSTITUTION_REGISTRATION, values, {**values}) == ()
    assert [c.field for c in difference(INSTITUTION_REGISTRATION, values, as_validated)] == ["contact_email"]
    # An empty field is empty whatever was stored for it (absent, null, "", []).
    assert difference(INSTITUTION_REGISTRATION, {**values, "department": None}, {**values, "department": ""}) == ()


def test_choices_read_as_their_labels_and_groups_item_by_item() -> None:
    old = filled()
    new = filled(nature="internal", department="技术转移中心", category="university", staff_full_time=6)
    new["cases"] = [old["cases"][0]]  # the second case removed
    assert difference(INSTITUTION_REGISTRATION, old, new) == (
        FieldChange("nature", "机构性质", "法人组织", "内设机构"),
        FieldChange("department", "具体部门", "", "技术转移中心"),
        FieldChange("category", "机构类别", "市场化机构", "高校院所"),
        FieldChange("staff_full_time", "专职人员数量", "5人", "6人"),
        FieldChange("cases[1].title", "典型案例（第2项）·案例名称", "涂层材料联合开发", ""),
        FieldChange("cases[1].content", "典型案例（第2项）·案例内容", old["cases"][1]["content"], ""),
    )


def test_the_card_lists_every_change_and_cuts_long_values() -> None:
    long = "很长的内容" * 30
    text = change_summary(
        "33010020260001",
        "91330106MAXG0TEQ2A",
        [FieldChange("plan", "发展规划", "旧规划", long), FieldChange("department", "具体部门", "", "中心")],
    )
    lines = text.splitlines()
    assert lines[:3] == [
        "基础信息变更（登记号：33010020260001）",
        "统一社会信用代码：91330106MAXG0TEQ2A",
        "变更内容（2项）：",
    ]
    assert lines[3] == f"1. 发展规划：旧规划 → {long[:CUT]}…"
    assert lines[4] == "2. 具体部门：（空） → 中心"
