"""Template keyword types: what WeChat accepts for each type, and builders that always produce it."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cards.template_messages import (
    EXPERT_DIGEST,
    EXPERT_PUSH,
    TEMPLATE_MESSAGES,
    Keyword,
    KeywordType,
    TemplateMessage,
    amount_value,
    date_value,
    fit,
    fit_text,
    keyword_type,
    number_value,
    time_value,
    value_fits,
)

T = KeywordType

LEGAL: list[tuple[KeywordType, str]] = [
    (T.THING, "芯片封装测试软件"),
    (T.THING, "A1-测试，ok!"),
    (T.THING, "一" * 20),
    (T.NUMBER, "1"),
    (T.NUMBER, "3.14"),
    (T.NUMBER, "9" * 32),
    (T.LETTER, "abcXYZ"),
    (T.LETTER, "a" * 32),
    (T.SYMBOL, "-"),
    (T.SYMBOL, "#@!~%"),
    (T.CHARACTER_STRING, "KZ-2026-0001"),
    (T.CHARACTER_STRING, "a b/c"),
    (T.CHARACTER_STRING, "x" * 32),
    (T.TIME, "15:01"),
    (T.TIME, "15:01:59"),
    (T.TIME, "2019年10月1日 15:01"),
    (T.TIME, "2018-01-01 09:05"),
    (T.TIME, "15:01~16:30"),
    (T.TIME, "2019年10月1日 15:01~2019年10月2日 08:00"),
    (T.DATE, "2019年10月1日"),
    (T.DATE, "2018-01-01"),
    (T.DATE, "2018/01/01"),
    (T.DATE, "2018.01.01"),
    (T.DATE, "2018-01"),
    (T.DATE, "01-01"),
    (T.DATE, "2019年10月"),
    (T.DATE, "10月1日"),
    (T.DATE, "2019年10月1日 15:01"),
    (T.DATE, "2018-01-01~2018-01-31"),
    (T.AMOUNT, "¥100"),
    (T.AMOUNT, "￥12.50元"),
    (T.AMOUNT, "$9999999999"),
    (T.PHONE_NUMBER, "+86-0766-66888866"),
    (T.PHONE_NUMBER, "13912340001"),
    (T.CAR_NUMBER, "粤A8Z888挂"),
    (T.CAR_NUMBER, "京A12345"),
    (T.NAME, "张三"),
    (T.NAME, "欧阳娜娜"),
    (T.NAME, "John Smith"),
    (T.NAME, "阿卜杜·热合曼"),
    (T.NAME, "张Z"),
    (T.PHRASE, "配送中"),
    (T.PHRASE, "已通过审核"),
]

ILLEGAL: list[tuple[KeywordType, str]] = [
    (T.THING, ""),
    (T.THING, "一" * 21),
    (T.THING, "两行\n标题"),
    (T.THING, "tab\there"),
    (T.NUMBER, "1条新需求"),
    (T.NUMBER, "-1"),
    (T.NUMBER, "1,000"),
    (T.NUMBER, "9" * 33),
    (T.NUMBER, "1."),
    (T.LETTER, "abc1"),
    (T.LETTER, "a" * 33),
    (T.LETTER, "中"),
    (T.SYMBOL, "abc"),
    (T.SYMBOL, "######"),
    (T.SYMBOL, "中"),
    (T.CHARACTER_STRING, "1条新需求"),
    (T.CHARACTER_STRING, "需求"),
    (T.CHARACTER_STRING, "x" * 33),
    (T.TIME, "2026-03-10"),
    (T.TIME, "25:00"),
    (T.TIME, "今天下午"),
    (T.TIME, "2019年13月1日 15:01"),
    (T.TIME, "15:01~16:00~17:00"),
    (T.DATE, "2026-02-30"),
    (T.DATE, "15:01"),
    (T.DATE, "明天"),
    (T.DATE, "2018-01/01"),
    (T.AMOUNT, "100"),
    (T.AMOUNT, "100元"),
    (T.AMOUNT, "¥¥100"),
    (T.AMOUNT, "¥12345678901"),
    (T.AMOUNT, "¥一百"),
    (T.PHONE_NUMBER, "139一二三"),
    (T.PHONE_NUMBER, "1" * 18),
    (T.CAR_NUMBER, "粤A8Z8889挂"),
    (T.CAR_NUMBER, "粤A中Z888"),
    (T.CAR_NUMBER, "A-123"),
    (T.NAME, "一二三四五六七八九十一"),
    (T.NAME, "a" * 21),
    (T.NAME, "张三3"),
    (T.NAME, "张三" + "a" * 9),
    (T.PHRASE, "配送中了吗啊"),
    (T.PHRASE, "OK"),
    (T.PHRASE, "已通过！"),
    (T.ENUM, "任意"),
]


@pytest.mark.parametrize(("kind", "value"), LEGAL)
def test_the_platform_accepts(kind: KeywordType, value: str) -> None:
    assert value_fits(kind, value)


@pytest.mark.parametrize(("kind", "value"), ILLEGAL)
def test_the_platform_refuses(kind: KeywordType, value: str) -> None:
    assert not value_fits(kind, value)


def test_an_enum_takes_only_its_declared_values() -> None:
    status = Keyword("enum5", "状态", choices=("待处理", "已完成"))
    assert status.fits("已完成") and not status.fits("已取消")
    assert status.value("待处理") == "待处理"
    with pytest.raises(ValueError, match="none of"):
        status.value("已取消")


def test_a_keyword_type_is_the_prefix_of_its_name() -> None:
    assert keyword_type("character_string12") is T.CHARACTER_STRING
    assert keyword_type("thing1") is T.THING and keyword_type("phone_number3") is T.PHONE_NUMBER
    assert keyword_type("first") is None and keyword_type("keyword1") is None
    with pytest.raises(ValueError, match="names no keyword type"):
        Keyword("count2", "数量")


def test_every_declared_template_names_typed_keywords_once() -> None:
    assert len({t.default_id for t in TEMPLATE_MESSAGES}) == len(TEMPLATE_MESSAGES)
    for template in TEMPLATE_MESSAGES:
        names = [k.name for k in template.keywords]
        assert len(set(names)) == len(names) and all(keyword_type(n) for n in names)


def test_the_digest_says_how_many_as_a_number() -> None:
    data = EXPERT_DIGEST.data({"thing1": "芯片封装测试软件等", "number2": 12, "date3": date(2026, 3, 10)})
    assert data == {
        "thing1": {"value": "芯片封装测试软件等"},
        "number2": {"value": "12"},
        "date3": {"value": "2026年03月10日"},
    }
    assert EXPERT_DIGEST.invalid(data) is None
    assert EXPERT_DIGEST.invalid({**data, "number2": {"value": "12条新需求"}}) == "number2"
    with pytest.raises(ValueError, match="keywords"):
        EXPERT_DIGEST.data({"thing1": "x", "number2": 1})
    with pytest.raises(ValueError, match="free text"):
        EXPERT_DIGEST.data({"thing1": "x", "number2": "1条新需求", "date3": date(2026, 3, 10)})


def test_a_template_not_declared_is_checked_by_its_keyword_names() -> None:
    free = TemplateMessage("X", "", ())
    assert free.invalid({"character_string2": {"value": "1条新需求"}}) == "character_string2"
    assert free.invalid({"character_string2": {"value": "KZ-1"}, "first": {"value": "任意\n内容"}}) is None
    assert free.invalid({"thing1": {"value": 3}}) == "thing1"  # a value is a string


def test_formatters() -> None:
    assert number_value(0) == "0" and amount_value(125000) == "¥1250" and amount_value(1250) == "¥12.50"
    assert time_value(datetime(2026, 11, 22, 9, 5, tzinfo=UTC)) == "2026年11月22日 09:05"
    assert date_value(date(2026, 1, 2)) == "2026年01月02日"
    with pytest.raises(ValueError, match="ten digits"):
        amount_value(10**12)
    with pytest.raises(ValueError, match="sign"):
        number_value(-1)
    with pytest.raises(ValueError, match="does not fit"):
        fit(T.TIME, date(2026, 1, 2))  # a time keyword needs a time of day


TEXT_KINDS = [T.THING, T.CHARACTER_STRING, T.LETTER, T.SYMBOL, T.PHONE_NUMBER, T.NAME, T.PHRASE]


@pytest.mark.parametrize("kind", TEXT_KINDS)
@given(text=st.text())
def test_free_text_always_becomes_a_value_the_platform_accepts(kind: KeywordType, text: str) -> None:
    value = fit_text(kind, text)
    assert value_fits(kind, value), (kind, text, value)


@given(text=st.text(alphabet=st.characters(codec="utf-8"), min_size=1))
def test_text_that_fits_a_thing_is_kept_as_it_is(text: str) -> None:
    line = " ".join(text.split())
    if value_fits(T.THING, line):
        assert fit_text(T.THING, text) == line


@given(
    moment=st.datetimes(),
    count=st.integers(min_value=0, max_value=10**32 - 1),
    fen=st.integers(min_value=0, max_value=10**10 - 1),
)
def test_moments_dates_counts_and_amounts_are_formatted_to_fit(moment: datetime, count: int, fen: int) -> None:
    assert value_fits(T.TIME, fit(T.TIME, moment)) and value_fits(T.DATE, fit(T.DATE, moment))
    assert value_fits(T.DATE, fit(T.DATE, moment.date()))
    assert value_fits(T.NUMBER, fit(T.NUMBER, count)) and value_fits(T.AMOUNT, fit(T.AMOUNT, fen))


@given(
    title=st.text(),
    institution=st.text(),
    field=st.text(),
    count=st.integers(min_value=1, max_value=10**6),
    moment=st.datetimes(),
)
def test_every_template_we_send_passes_the_platforms_checks(
    title: str, institution: str, field: str, count: int, moment: datetime
) -> None:
    push = EXPERT_PUSH.data({"thing1": title, "thing2": field, "thing3": institution, "time4": moment})
    digest = EXPERT_DIGEST.data({"thing1": title, "number2": count, "date3": moment.date()})
    assert EXPERT_PUSH.invalid(push) is None and EXPERT_DIGEST.invalid(digest) is None


def test_digits_are_ascii_digits() -> None:
    assert not value_fits(T.NUMBER, "١٢") and not value_fits(T.TIME, "١٥:٠١") and not value_fits(T.AMOUNT, "¥١")
