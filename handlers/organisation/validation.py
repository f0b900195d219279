"""Field rules as pure functions; each returns the cleaned value or raises InvalidInput with a Chinese message."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from handlers.errors import InvalidInput
from handlers.organisation import credit_code as cc
from handlers.reference.ports import RegionDirectory
from store.models.organisation import RegionLevel
from store.models.organisation_people import FollowUpKind

# GB 32100-2015 lives in one pure module (credit_code); these names stay for the callers that had them.
CREDIT_CODE_ALPHABET = cc.ALPHABET
CREDIT_CODE_WEIGHTS = cc.WEIGHTS
INTRODUCTION_MAX = 300
BASIS_POINTS_MAX = 10_000
# No follow-up predates the platform's world: 2000-01-01 00:00 Beijing time (UTC+8, no daylight saving).
EARLIEST_FOLLOW_UP = datetime(2000, 1, 1, tzinfo=timezone(timedelta(hours=8)))

_MOBILE = re.compile(r"1[3-9]\d{9}")
_LANDLINE = re.compile(r"0\d{2,3}-?\d{7,8}")
_REGION = re.compile(r"\d{6}")


def credit_code_check_char(first17: str) -> str:
    return cc.check_character(first17)


def credit_code(value: str) -> str:
    """Form and check character only, one code for every failure (an institution's own code)."""
    code = value.strip().upper()
    if cc.problem(code) is not None:
        raise InvalidInput("请输入正确的统一社会信用代码", code="invalid_credit_code")
    return code


def mobile(value: str) -> str:
    number = value.strip().replace(" ", "").replace("-", "")
    if number.startswith("+86"):
        number = number[3:]
    if not _MOBILE.fullmatch(number):
        raise InvalidInput("请输入正确的手机号码", code="invalid_mobile")
    return number


def is_mobile(number: str) -> bool:
    """Whether a number `phone()` accepted is a mobile (it may be a landline)."""
    return _MOBILE.fullmatch(number) is not None


def phone(value: str) -> str:
    """A contact's number: a mobile, or a landline with its area code."""
    raw = value.strip().replace(" ", "")
    if _LANDLINE.fullmatch(raw):
        return raw
    try:
        return mobile(raw)
    except InvalidInput:
        raise InvalidInput("请输入正确的联系电话（手机号码或带区号的固定电话）", code="invalid_phone") from None


def introduction(value: str) -> str:
    text = value.strip()
    if len(text) > INTRODUCTION_MAX:
        raise InvalidInput(f"简介不能超过{INTRODUCTION_MAX}个字", code="introduction_too_long")
    return text


def fee_ratio_bp(value: int) -> int:
    if isinstance(value, bool) or not 0 <= value <= BASIS_POINTS_MAX:
        raise InvalidInput("最低中介服务费比例应在0%到100%之间", code="invalid_fee_ratio")
    return value


def min_fee_ratio_bp(value: int | None, floor_bp: int) -> int:
    """An institution's own minimum fee ratio: never below the platform floor every demand is held to (seed 004
    §一.1), or the institution would promise a ratio no demand can carry. None takes the floor itself."""
    if value is None:
        return floor_bp
    ratio = fee_ratio_bp(value)
    if ratio < floor_bp:
        raise InvalidInput(
            f"最低中介服务费比例不能低于平台下限{floor_bp / 100:g}%",
            code="min_fee_ratio_below_floor",
            field="min_fee_ratio_bp",
        )
    return ratio


def required_text(value: str, label: str, max_len: int, *, field: str | None = None) -> str:
    text = value.strip()
    if not text:
        raise InvalidInput(f"请填写{label}", code="missing_field", field=field)
    if len(text) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}个字", code="field_too_long", field=field)
    return text


def optional_text(value: str, label: str, max_len: int) -> str:
    text = value.strip()
    if len(text) > max_len:
        raise InvalidInput(f"{label}不能超过{max_len}个字", code="field_too_long")
    return text


def region_code(value: str, regions: RegionDirectory, *, field: str | None = None) -> str:
    code = value.strip()
    if not _REGION.fullmatch(code) or not regions.exists(code):
        raise InvalidInput("请选择正确的行政区划", code="invalid_region", field=field)
    if regions.is_abolished(code):
        # Old records keep a withdrawn code; new ones take the region that replaced it.
        raise InvalidInput("该行政区划已撤销，请选择现行区划", code="abolished_region", field=field)
    return code


def region_level(code: str) -> RegionLevel:
    """GB/T 2260: 330000 is a province, 330100 a city, 330106 a district."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.DISTRICT


PREFIX_LENGTH = {RegionLevel.PROVINCE: 2, RegionLevel.CITY: 4, RegionLevel.DISTRICT: 6}


def region_prefix(code: str) -> str:
    return code[: PREFIX_LENGTH[region_level(code)]]


def follow_up(kind: str, occurred_at: datetime, content: str) -> tuple[FollowUpKind, str]:
    """A follow-up's kind and content (with an expert or on a demand); its time must carry a zone."""
    try:
        checked = FollowUpKind(kind)
    except ValueError:
        raise InvalidInput("请选择正确的跟进类型", code="invalid_follow_up_kind") from None
    if occurred_at.tzinfo is None:
        raise InvalidInput("请填写正确的跟进时间", code="invalid_time")
    if occurred_at < EARLIEST_FOLLOW_UP:
        raise InvalidInput("跟进时间不能早于2000年1月1日", code="invalid_time")
    return checked, required_text(content, "跟进内容", 2000)


def not_in_future(occurred_at: datetime, now: datetime) -> None:
    if occurred_at > now:
        raise InvalidInput("跟进时间不能晚于现在", code="invalid_time")
