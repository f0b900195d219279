"""Every rule of seed 001 §二 (and §一(三)) on the technology-manager form: a violating value refused with an error
naming the field, and the boundary value accepted."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from handlers.errors import InvalidForm, InvalidInput
from handlers.forms.check import read, validate
from handlers.forms.declaration import Context
from handlers.registration.manager_form import MANAGER
from tests.registration.manager_values import id_number, valid_form

TODAY = date(2026, 11, 23)


def check(values: dict[str, Any]) -> dict[str, Any]:
    return validate(MANAGER, read(MANAGER, values), Context(TODAY))


def refusal(values: dict[str, Any]) -> tuple[str, str | None]:
    with pytest.raises(InvalidInput) as caught:
        check(values)
    assert not isinstance(caught.value, InvalidForm), caught.value.errors  # exactly one wrong field
    return caught.value.code, caught.value.field


def segment(start: str, end: str) -> dict[str, str]:
    return {"started_on": start, "ended_on": end, "employer": "某机构", "duty": "技术转移"}


def project(**changes: Any) -> dict[str, Any]:
    return {**valid_form()["projects"][0], **changes}


def test_the_valid_form_passes_as_an_individual_only_with_both_scans() -> None:
    with pytest.raises(InvalidForm) as both:
        check(valid_form())
    assert [(e["field"], e["code"]) for e in both.value.errors] == [
        ("id_card_file_id", "missing_field"),
        ("title_certificate_file_id", "missing_field"),
    ]
    assert refusal(valid_form(id_card_file_id=1)) == ("missing_field", "title_certificate_file_id")
    assert check(valid_form(id_card_file_id=1, title_certificate_file_id=2))["id_number"] == id_number()
    # With an invitation code the scans are not asked for (the institution knows its manager).
    assert check(valid_form(invitation_code="ABCD2345"))["id_card_file_id"] is None


BOUND = {"invitation_code": "ABCD2345"}


@pytest.mark.parametrize(("level", "accepted"), [("junior", False), ("intermediate", True), ("senior", True)])
def test_the_title_is_at_least_intermediate(level: str, accepted: bool) -> None:
    values = valid_form(**BOUND, title_level=level)
    if accepted:
        assert check(values)["title_level"] == level
    else:
        assert refusal(values) == ("title_too_low", "title_level")


def test_at_most_three_work_segments() -> None:
    three = [
        segment("2020-01-01", "2020-06-30"),
        segment("2021-01-01", "2021-06-30"),
        segment("2022-01-01", "2022-01-31"),
    ]
    assert len(check(valid_form(**BOUND, work_history=three))["work_history"]) == 3
    assert refusal(valid_form(**BOUND, work_history=[*three, segment("2023-01-01", "2023-02-01")])) == (
        "too_many_items",
        "work_history",
    )
    assert refusal(valid_form(**BOUND, work_history=[])) == ("missing_field", "work_history")


def test_the_segments_total_at_least_one_year() -> None:
    # 2025-01-01 → 2026-01-01 is 365 days: exactly one year; one day less is short. Two segments add up.
    assert check(valid_form(**BOUND, work_history=[segment("2025-01-01", "2026-01-01")]))
    assert refusal(valid_form(**BOUND, work_history=[segment("2025-01-02", "2026-01-01")])) == (
        "work_history_too_short",
        "work_history",
    )
    halves = [segment("2023-01-01", "2023-07-02"), segment("2024-01-01", "2024-07-01")]  # 182 + 182 days
    assert refusal(valid_form(**BOUND, work_history=halves)) == ("work_history_too_short", "work_history")
    halves[0] = segment("2023-01-01", "2023-07-03")  # 183 + 182
    assert check(valid_form(**BOUND, work_history=halves))


def test_a_segment_ends_after_it_starts_and_not_in_the_future() -> None:
    assert refusal(valid_form(**BOUND, work_history=[segment("2026-01-01", "2024-01-01")])) == (
        "work_history_order",
        "work_history",
    )
    future = segment("2025-11-23", "2026-11-24")
    assert refusal(valid_form(**BOUND, work_history=[future])) == ("work_history_order", "work_history")
    assert check(valid_form(**BOUND, work_history=[segment("2025-11-23", "2026-11-23")]))


def test_a_segment_needs_its_dates() -> None:
    assert refusal(valid_form(**BOUND, work_history=[{**segment("2024-01-01", "2025-01-01"), "ended_on": ""}])) == (
        "missing_field",
        "work_history[0].ended_on",
    )


def test_at_least_one_typical_project() -> None:
    assert refusal(valid_form(**BOUND, projects=[])) == ("missing_field", "projects")


def test_a_project_is_at_most_1000_characters() -> None:
    assert check(valid_form(**BOUND, projects=[project(content="字" * 1000)]))
    assert refusal(valid_form(**BOUND, projects=[project(content="字" * 1001)])) == (
        "field_too_long",
        "projects[0].content",
    )


@pytest.mark.parametrize("name", ["amount_fen", "role", "source", "landing"])
def test_a_project_has_amount_role_source_and_landing(name: str) -> None:
    empty = None if name == "amount_fen" else ""
    code, field = refusal(valid_form(**BOUND, projects=[project(**{name: empty})]))
    assert code in ("missing_field", "invalid_field") and field == f"projects[0].{name}"


def test_a_project_lands_in_a_named_province_or_country() -> None:
    assert refusal(valid_form(**BOUND, projects=[project(landing_province="")])) == (
        "missing_field",
        "projects[0].landing_province",
    )
    assert refusal(valid_form(**BOUND, projects=[project(landing_province="火星")])) == (
        "invalid_choice",
        "projects[0].landing_province",
    )
    abroad = project(landing="abroad", landing_province="")
    assert refusal(valid_form(**BOUND, projects=[abroad])) == ("missing_field", "projects[0].landing_country")
    assert check(valid_form(**BOUND, projects=[{**abroad, "landing_country": "德国"}]))


def test_a_project_amount_is_not_negative() -> None:
    assert check(valid_form(**BOUND, projects=[project(amount_fen=0)]))
    assert refusal(valid_form(**BOUND, projects=[project(amount_fen=-1)])) == ("out_of_range", "projects[0].amount_fen")


def test_promotion_is_at_most_1000_characters() -> None:
    assert check(valid_form(**BOUND, promotion="宣" * 1000))
    assert refusal(valid_form(**BOUND, promotion="宣" * 1001)) == ("field_too_long", "promotion")
    assert refusal(valid_form(**BOUND, promotion="")) == ("missing_field", "promotion")


def test_at_most_five_awards() -> None:
    five = [f"奖励{i}" for i in range(5)]
    assert check(valid_form(**BOUND, awards=five))["awards"] == tuple(five)
    assert refusal(valid_form(**BOUND, awards=[*five, "奖励5"])) == ("too_many_items", "awards")


def test_training_may_be_none_but_not_left_empty() -> None:
    assert check(valid_form(**BOUND, training="无"))["training"] == "无"
    assert refusal(valid_form(**BOUND, training="")) == ("missing_field", "training")


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("11010519800101001", "id_number_format"),  # 17 characters
        ("1101051980010100A1", "id_number_format"),
        ("110105" + "19800230" + "001", "id_number_birth_date"),  # 30 February (check character added below)
        ("110105" + "20261124" + "001", "id_number_birth_date"),  # born tomorrow
    ],
)
def test_the_id_number_is_checked(value: str, code: str) -> None:
    if len(value) == 17 and code == "id_number_birth_date":
        value = id_number(value)
    assert refusal(valid_form(**BOUND, id_number=value)) == (code, "id_number")


def test_the_id_number_check_character() -> None:
    good = id_number()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    assert refusal(valid_form(**BOUND, id_number=wrong)) == ("id_number_check", "id_number")
    # A lower-case x is read as X; born today is allowed.
    assert check(valid_form(**BOUND, id_number=id_number("11010520261123001")))["id_number"].endswith(
        id_number("11010520261123001")[17]
    )
    # The worked example of GB 11643: 11010519491231002X.
    assert check(valid_form(**BOUND, id_number="11010519491231002x"))["id_number"] == "11010519491231002X"


def test_the_mobile_is_a_phone_number() -> None:
    assert refusal(valid_form(**BOUND, mobile="1234"))[1] == "mobile"


def test_choices_are_checked() -> None:
    assert refusal(valid_form(**BOUND, gender="x")) == ("invalid_choice", "gender")
    assert refusal(valid_form(**BOUND, political_status="")) == ("missing_field", "political_status")
    assert refusal(valid_form(**BOUND, education="")) == ("missing_field", "education")


def test_a_draft_is_held_only_to_what_can_be_stored() -> None:
    draft = validate(MANAGER, read(MANAGER, {"name": "赵", "awards": []}), Context(TODAY), draft=True)
    assert draft["name"] == "赵"
    with pytest.raises(InvalidInput) as caught:
        validate(MANAGER, read(MANAGER, {"promotion": "宣" * 1001}), Context(TODAY), draft=True)
    assert caught.value.field == "promotion"
