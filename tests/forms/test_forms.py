"""Forms as data: one declaration drives the server's answer, the form served to the pages and the Excel
template together; groups, conditional sections and cross-field rules; every declared form is served."""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Mapping
from datetime import date
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from handlers.errors import InvalidInput
from handlers.forms.check import check, validate
from handlers.forms.declaration import Column, Context, Field, Form, Rule, Sheet, When
from handlers.forms.served import describe
from handlers.forms.sheet import build_template, columns
from miniapp_api import rest
from miniapp_api.body import form
from miniapp_api.errors import error_middleware
from miniapp_api.schemas import operation

TODAY = date(2026, 3, 2)


def _budget_within_cost(values: Mapping[str, Any], _context: Context) -> bool:
    return values["budget"] is None or values["cost"] is None or values["budget"] <= values["cost"]


def _start_before_end(values: Mapping[str, Any], _context: Context) -> bool:
    return values["start"] is None or values["end"] is None or values["start"] <= values["end"]


MEMBER = (
    Field("name", "text", "成员姓名", required=True, max_length=10),
    Field("mobile", "mobile", "成员手机号"),
)

SURVEY = Form(
    "survey",
    "技术调查",
    ("POST", "/surveys"),
    (
        Field(
            "title",
            "text",
            "项目名称",
            required=True,
            max_length=20,
            column=Column("名称", 20, "必填，不超过{max_length}个字"),
        ),
        Field("cost", "money", "成本", minimum=0, maximum=1000, nullable=True, column=Column("成本", 12, "选填")),
        Field("budget", "money", "预算", nullable=True),
        Field(
            "nature",
            "choice",
            "单位性质",
            required=True,
            choices=(("企业", "企业"), ("内设机构", "内设机构")),
            column=Column("性质", 12, "必填"),
        ),
        Field("parent", "text", "上级单位", required=True, max_length=30, when=When("nature", ("内设机构",))),
        Field("members", "group", "团队成员", min_items=1, max_items=3, fields=MEMBER),
        Field("start", "date", "开始日期"),
        Field("end", "date", "结束日期"),
    ),
    (
        Rule("budget_over_cost", "预算不能超过成本", ("budget", "cost"), _budget_within_cost),
        Rule("end_before_start", "结束日期不能早于开始日期", ("end",), _start_before_end),
    ),
    draft=True,
    sheet=Sheet("调查"),
)

GOOD = {"title": "甲", "cost": 10, "nature": "企业", "members": [{"name": "张三"}]}


async def _submit(request: web.Request, values: dict[str, Any]) -> web.Response:
    """A use case's part: the form's rules, the draft held only to what can be stored."""
    declared = request.app[FORM]
    clean = validate(declared, values, Context(TODAY), draft=values.pop("draft", False))
    return web.json_response({"title": clean["title"]})


FORM = web.AppKey("form", Form)


async def _answer(declared: Form, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    route = rest.route(
        "POST",
        "/surveys",
        _submit,
        operation("A survey", ("200", None)),
        body=form(declared, dict),
        access=rest.Access.PUBLIC,
    )
    app = web.Application(middlewares=[error_middleware])
    app[FORM] = declared
    rest.add_routes(app, [route])
    async with TestClient(TestServer(app)) as client:
        response = await client.post("/surveys", json=body)
        return response.status, await response.json()


def _template_note(declared: Form, header: str) -> tuple[str, list[str]]:
    """The comment of `header`'s column in the template, and every cell rule's text of that column."""
    sheet = load_workbook(io.BytesIO(build_template(declared)))[declared.sheet.name]  # type: ignore[union-attr]
    index = next(i for i, c in enumerate(sheet[1], start=1) if str(c.value).rstrip("*") == header)
    cell = sheet.cell(row=1, column=index)
    letter = get_column_letter(index)
    rules = [
        f"{dv.type}:{dv.operator}:{dv.formula1}:{dv.formula2}"
        for dv in sheet.data_validations.dataValidation
        if str(dv.sqref).startswith(f"{letter}2:")
    ]
    return str(cell.comment.text if cell.comment else ""), rules


@pytest.mark.parametrize("limit", [5, 8])
async def test_a_length_limit_changes_the_answer_the_served_form_and_the_template(limit: int) -> None:
    declared = SURVEY.replace("title", max_length=limit)

    assert await _answer(declared, {**GOOD, "title": "字" * limit}) == (200, {"title": "字" * limit})
    status, body = await _answer(declared, {**GOOD, "title": "字" * (limit + 1)})
    assert (status, body) == (422, {"error": {"code": "field_too_long", "message": f"项目名称不能超过{limit}个字"}})

    served = describe(declared)
    assert served["fields"][0]["max_length"] == limit
    assert served["json_schema"]["properties"]["title"]["maxLength"] == limit
    assert served["version"] != describe(SURVEY)["version"]

    note, rules = _template_note(declared, "名称")
    assert note == f"必填，不超过{limit}个字"
    assert rules == [f"textLength:lessThanOrEqual:{limit}:None"]


@pytest.mark.parametrize("maximum", [100, 500])
async def test_a_numeric_limit_changes_the_answer_the_served_form_and_the_template(maximum: int) -> None:
    declared = SURVEY.replace("cost", maximum=maximum)

    assert (await _answer(declared, {**GOOD, "cost": maximum}))[0] == 200
    assert await _answer(declared, {**GOOD, "cost": maximum + 1}) == (
        422,
        {"error": {"code": "out_of_range", "message": f"成本不能大于{maximum}"}},
    )
    assert describe(declared)["fields"][1]["maximum"] == maximum
    assert describe(declared)["json_schema"]["properties"]["cost"]["x-range"] == [0, maximum]
    _note, rules = _template_note(declared, "成本")
    assert rules == [f"whole:between:0:{maximum}"]


async def test_choices_change_the_answer_the_served_form_and_the_template() -> None:
    declared = SURVEY.replace("nature", choices=(("企业", "企业"), ("高校", "高等院校")))

    assert await _answer(declared, {**GOOD, "nature": "内设机构"}) == (
        422,
        {"error": {"code": "invalid_choice", "message": "请选择正确的单位性质"}},
    )
    assert (await _answer(declared, {**GOOD, "nature": "高校"}))[0] == 200
    served = describe(declared)["fields"][3]
    assert served["choices"] == [{"value": "企业", "label": "企业"}, {"value": "高校", "label": "高等院校"}]
    assert describe(declared)["json_schema"]["properties"]["nature"]["enum"] == ["企业", "高校"]
    _note, rules = _template_note(declared, "性质")
    # The template lists the labels a person reads (a row may name a choice by its label or its value).
    assert rules == ['list:None:"企业,高等院校":None']


async def test_a_group_counts_its_items_and_checks_each() -> None:
    assert await _answer(SURVEY, {**GOOD, "members": []}) == (
        422,
        {"error": {"code": "too_few_items", "message": "团队成员至少1项"}},
    )
    assert await _answer(SURVEY, {**GOOD, "members": [{"name": "甲"}] * 4}) == (
        422,
        {"error": {"code": "too_many_items", "message": "团队成员最多3项"}},
    )
    assert (await _answer(SURVEY, {**GOOD, "members": [{"name": "甲"}] * 3}))[0] == 200
    # Each item's own fields, named by position, every problem at once.
    _clean, errors = check(
        SURVEY, {**GOOD, "members": ({"name": "", "mobile": ""}, {"name": "乙", "mobile": "123"})}, Context(TODAY)
    )
    assert [(e.field, e.code, e.message) for e in errors] == [
        ("members[0].name", "missing_field", "请填写成员姓名"),
        ("members[1].mobile", "invalid_mobile", "请输入正确的手机号码"),
    ]
    # A minimum above one: the served form says it and the server holds to it.
    declared = SURVEY.replace("members", min_items=2)
    assert describe(declared)["fields"][5]["min_items"] == 2
    assert await _answer(declared, {**GOOD, "members": [{"name": "甲"}]}) == (
        422,
        {"error": {"code": "too_few_items", "message": "团队成员至少2项"}},
    )
    served_group = describe(SURVEY)["fields"][5]
    assert [f["name"] for f in served_group["fields"]] == ["name", "mobile"]
    assert describe(SURVEY)["json_schema"]["properties"]["members"]["items"]["required"] == ["name"]


async def test_a_conditional_section_is_required_only_when_shown() -> None:
    hidden = await _answer(SURVEY, {**GOOD, "nature": "企业", "parent": ""})
    assert hidden[0] == 200
    shown = await _answer(SURVEY, {**GOOD, "nature": "内设机构", "parent": ""})
    assert shown == (422, {"error": {"code": "missing_field", "message": "请填写上级单位"}})
    assert (await _answer(SURVEY, {**GOOD, "nature": "内设机构", "parent": "总公司"}))[0] == 200
    # What a hidden section carried is not kept.
    clean, errors = check(SURVEY, {**GOOD, "nature": "企业", "parent": "旧值"}, Context(TODAY))
    assert errors == [] and clean["parent"] == ""

    served = describe(SURVEY)
    assert served["fields"][4]["when"] == {"field": "nature", "in": ["内设机构"]}
    assert "parent" not in served["json_schema"]["required"]  # required only when shown


async def test_cross_field_rules_are_checked_on_submission_and_served_for_display() -> None:
    assert await _answer(SURVEY, {**GOOD, "cost": 10, "budget": 11}) == (
        422,
        {"error": {"code": "budget_over_cost", "message": "预算不能超过成本"}},
    )
    assert await _answer(SURVEY, {**GOOD, "start": "2026-03-05", "end": "2026-03-04"}) == (
        422,
        {"error": {"code": "end_before_start", "message": "结束日期不能早于开始日期"}},
    )
    assert (await _answer(SURVEY, {**GOOD, "start": "2026-03-04", "end": "2026-03-04", "budget": 10}))[0] == 200
    assert describe(SURVEY)["rules"] == [
        {"code": "budget_over_cost", "message": "预算不能超过成本", "fields": ["budget", "cost"]},
        {"code": "end_before_start", "message": "结束日期不能早于开始日期", "fields": ["end"]},
    ]
    # A rule taken out of the declaration no longer refuses.
    relaxed = dataclasses.replace(SURVEY, rules=SURVEY.rules[1:])
    assert (await _answer(relaxed, {**GOOD, "cost": 10, "budget": 11}))[0] == 200


async def test_a_draft_saves_at_any_time_and_is_checked_fully_when_submitted() -> None:
    incomplete = {"title": "", "nature": "内设机构", "cost": 10, "budget": 11}
    assert (await _answer(SURVEY, {**incomplete, "draft": True}))[0] == 200
    submitted = (await _answer(SURVEY, incomplete))[1]["error"]
    assert [(e["field"], e["code"]) for e in submitted["fields"]] == [
        ("title", "missing_field"),
        ("parent", "missing_field"),
        ("members", "too_few_items"),
    ]
    # A draft still holds to what can be stored.
    too_long = await _answer(SURVEY, {**incomplete, "title": "字" * 21, "draft": True})
    assert too_long[1]["error"]["code"] == "field_too_long"
    assert describe(SURVEY)["draft"] is True
    assert describe(SURVEY)["json_schema"]["properties"]["draft"]["type"] == "boolean"


async def test_a_wrong_type_is_refused_by_name_before_any_rule() -> None:
    assert await _answer(SURVEY, {**GOOD, "cost": "十"}) == (
        422,
        {"error": {"code": "invalid_field", "message": "字段 cost 的格式有误"}},
    )
    assert (await _answer(SURVEY, {**GOOD, "start": "三月"}))[1]["error"] == {
        "code": "invalid_field",
        "message": "开始日期格式有误",
    }


def test_the_template_columns_are_the_declared_fields_with_a_column() -> None:
    assert [(c.field, c.title) for c in columns(SURVEY)] == [("title", "名称*"), ("cost", "成本"), ("nature", "性质*")]
    sheet = load_workbook(io.BytesIO(build_template(SURVEY)))["调查"]
    assert [c.value for c in sheet[1]] == ["名称*", "成本", "性质*"]


def test_validate_raises_the_first_error_as_the_house_error() -> None:
    with pytest.raises(InvalidInput) as raised:
        validate(SURVEY, {**GOOD, "title": ""}, Context(TODAY))
    assert (raised.value.code, raised.value.message) == ("missing_field", "请填写项目名称")
