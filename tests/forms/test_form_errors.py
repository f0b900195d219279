"""Several wrong fields are answered together (invalid_form, every field's error, the first one's message on top),
and the declaration's other ways of refusing: a value sent while its section is hidden, a form of changes."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from handlers.errors import InvalidInput
from handlers.forms.check import check, read
from handlers.forms.declaration import Context, Field, Form, When
from handlers.forms.served import describe, json_schema
from tests.forms.test_forms import GOOD, SURVEY, TODAY, _answer


async def test_several_wrong_fields_answer_invalid_form_with_each_fields_error() -> None:
    status, body = await _answer(SURVEY, {**GOOD, "title": "", "cost": 2000, "members": [{"name": "甲" * 11}]})
    assert (status, body) == (
        422,
        {
            "error": {
                "code": "invalid_form",
                "message": "请填写项目名称",
                "fields": [
                    {"field": "title", "code": "missing_field", "message": "请填写项目名称"},
                    {"field": "cost", "code": "out_of_range", "message": "成本不能大于1000"},
                    {"field": "members[0].name", "code": "field_too_long", "message": "成员姓名不能超过10个字"},
                ],
            }
        },
    )
    # A limit changed in the declaration changes the list.
    relaxed = SURVEY.replace("cost", maximum=5000)
    fields = (await _answer(relaxed, {**GOOD, "title": "", "cost": 2000}))[1]["error"]
    assert fields == {"code": "missing_field", "message": "请填写项目名称"}  # one left: the house error


async def test_the_first_fields_name_is_on_top_where_the_form_names_its_fields() -> None:
    named = Form(SURVEY.name, SURVEY.title, SURVEY.submit, SURVEY.fields, field_in_error=True)
    error = (await _answer(named, {**GOOD, "title": "", "nature": ""}))[1]["error"]
    assert (error["code"], error["field"], error["message"]) == ("invalid_form", "title", "请填写项目名称")
    assert [f["field"] for f in error["fields"]] == ["title", "nature"]


async def test_a_field_hanging_on_a_wrong_field_waits_for_it() -> None:
    # 内设机构 is no longer a choice: 上级单位's condition cannot be judged, so only 单位性质 is wrong.
    declared = SURVEY.replace("nature", choices=(("企业", "企业"),))
    _clean, errors = check(declared, {**GOOD, "nature": "内设机构", "parent": ""}, Context(TODAY))
    assert [(e.field, e.code) for e in errors] == [("nature", "invalid_choice")]


MODE = Field("mode", "choice", "方式", required=True, choices=(("all", "全部"), ("some", "部分")))
PICKED = Field("picked", "ids", "选中项", required=True, max_items=2, when=When("mode", ("some",)))


def _picking(picked: Field) -> Form:
    return Form("picking", "选择", ("POST", "/surveys"), (MODE, picked))


def _errors(form: Form, raw: dict[str, Any]) -> list[tuple[str, str, str]]:
    _clean, errors = check(form, read(form, raw), Context(TODAY))
    return [(e.field, e.code, e.message) for e in errors]


def test_a_value_sent_while_hidden_is_dropped_or_refused_as_declared() -> None:
    dropped = _picking(PICKED)
    assert _errors(dropped, {"mode": "all", "picked": [1]}) == []
    refusing = _picking(
        dataclasses.replace(PICKED, hidden_refused=True, messages={"hidden": ("not_now", "全部时不能选择{label}")})
    )
    assert _errors(refusing, {"mode": "all", "picked": [1]}) == [("picked", "not_now", "全部时不能选择选中项")]
    assert _errors(refusing, {"mode": "all"}) == []
    assert _errors(refusing, {"mode": "some", "picked": [1, 2, 2]}) == []  # repeats count once
    assert _errors(refusing, {"mode": "some", "picked": [1, 2, 3]}) == [("picked", "too_many_items", "选中项最多2项")]
    assert _errors(refusing, {"mode": "some"}) == [("picked", "missing_field", "请选择选中项")]
    with pytest.raises(InvalidInput) as wrong:
        read(refusing, {"mode": "some", "picked": ["1"]})
    assert (wrong.value.code, wrong.value.message) == ("invalid_field", "字段 picked 的格式有误")
    served: dict[str, Any] = json_schema(refusing)["properties"]["picked"]
    assert served == {"title": "选中项", "type": "array", "items": {"type": "integer"}, "maxItems": 2}


async def test_a_partial_form_checks_only_what_is_sent() -> None:
    changes = Form(
        "changes",
        "修改",
        ("PATCH", "/surveys"),
        tuple(Field(f.name, f.type, f.label, required=True, max_length=5, nullable=True) for f in SURVEY.fields[:1]),
        partial=True,
    )
    _clean, errors = check(changes, {"title": None}, Context(TODAY))
    assert errors == []
    _clean, errors = check(changes, {"title": " "}, Context(TODAY))
    assert [(e.field, e.code) for e in errors] == [("title", "missing_field")]
    assert describe(changes)["partial"] is True
    assert json_schema(changes)["required"] == []
    assert json_schema(changes)["properties"]["title"]["type"] == ["string", "null"]
