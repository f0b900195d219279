"""WeChat template messages declared as data: title and typed keywords, and values built to fit each type.

Since the 2023 template reform a keyword's type is the prefix of its name (`thing1`, `number2`, `time3`…) and
the platform checks every value against it, answering 47003 (`argument invalid! data.number2.value invalid`)
for one that does not fit. The relay dead-letters 47003 as permanent, so a value that does not fit loses the
message: builders here fit values to their type (cut, filtered, formatted), and the sandbox checks what it
receives with `value_fits`, from the same declarations, the way WeChat does.

The rules (wechat.md, "Keyword types"; the subscribe-message parameter table):

| type | value |
|---|---|
| thing | ≤ 20 characters: Chinese, digits, letters or symbols |
| number | ≤ 32 digits, decimals allowed |
| letter | ≤ 32 letters |
| symbol | ≤ 5 symbols |
| character_string | ≤ 32 digits, letters or symbols, no Chinese |
| time | HH:MM or HH:MM:SS, optionally after a date; a range joined by `~` |
| date | y年m月d日, y年m月, m月d日, or joined by `-` `/` `.` (2018-01-01, 2018-01, 01-01), optionally a time after |
| amount | one currency sign, ≤ 10 digits, decimals allowed, may end with 元 |
| phone_number | ≤ 17 digits and symbols |
| car_number | ≤ 8 characters; first and last may be Chinese, the rest letters or digits |
| name | ≤ 10 Chinese characters (mixed with letters counts as Chinese), or ≤ 20 letters or symbols |
| phrase | ≤ 5 Chinese characters only |
| enum | one of the keyword's declared values |

"Symbols" are the common characters that are not Chinese, letters or digits; no value may be empty or hold a
line break or any other control character.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

ELLIPSIS = "…"


class KeywordType(StrEnum):
    THING = "thing"
    NUMBER = "number"
    LETTER = "letter"
    SYMBOL = "symbol"
    CHARACTER_STRING = "character_string"
    TIME = "time"
    DATE = "date"
    AMOUNT = "amount"
    PHONE_NUMBER = "phone_number"
    CAR_NUMBER = "car_number"
    NAME = "name"
    PHRASE = "phrase"
    ENUM = "enum"


_NAME = re.compile(r"^([a-z_]+?)(\d+)$")


def keyword_type(name: str) -> KeywordType | None:
    """The type a keyword's name declares (`character_string12` → character_string); None: not a typed name."""
    match = _NAME.match(name)
    if match is None:
        return None
    try:
        return KeywordType(match.group(1))
    except ValueError:
        return None


# --- characters ------------------------------------------------------------------------------------------


def is_chinese(char: str) -> bool:
    """A CJK ideograph (the basic block, extension A, the compatibility block and the supplementary planes)."""
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0xF900 <= code <= 0xFAFF or 0x20000 <= code <= 0x3134F
    )


def is_digit(char: str) -> bool:
    return "0" <= char <= "9"


def is_letter(char: str) -> bool:
    return ("a" <= char <= "z") or ("A" <= char <= "Z")


def is_control(char: str) -> bool:
    """Line breaks, tabs and every other control, format, surrogate, private or unassigned code point."""
    category = unicodedata.category(char)
    return category[0] == "C" or category in ("Zl", "Zp")


def is_symbol(char: str) -> bool:
    """A common character that is none of Chinese, a letter or a digit: punctuation, signs, the space."""
    category = unicodedata.category(char)
    return category[0] in "PS" or category == "Zs"


# --- the platform's check ----------------------------------------------------------------------------------

# ASCII digits only: \d would take any script's digits.
_TIME = r"(?:[01]?[0-9]|2[0-3]):[0-5][0-9](?::[0-5][0-9])?"
_DATE_FORMS = (
    re.compile(r"^(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日$"),
    re.compile(r"^(?P<y>[0-9]{4})年(?P<m>[0-9]{1,2})月$"),
    re.compile(r"^(?P<m>[0-9]{1,2})月(?P<d>[0-9]{1,2})日$"),
    re.compile(r"^(?P<y>[0-9]{4})(?P<sep>[-/.])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})$"),
    re.compile(r"^(?P<y>[0-9]{4})[-/.](?P<m>[0-9]{1,2})$"),
    re.compile(r"^(?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})$"),
)
_NUMBER = re.compile(r"^[0-9]+(?:\.[0-9]+)?$")
CURRENCY_SIGNS = "¥￥$€£"
_AMOUNT = re.compile(rf"^[{CURRENCY_SIGNS}](?P<digits>[0-9]+(?:\.[0-9]+)?)元?$")


def _real_date(text: str) -> bool:
    for form in _DATE_FORMS:
        if (match := form.match(text)) is None:
            continue
        parts = match.groupdict()
        try:
            date(int(parts.get("y") or 2000), int(parts["m"]), int(parts.get("d") or 1))  # 2000: a leap year
        except ValueError:
            return False
        return True
    return False


def _point_in_time(text: str, *, date_required: bool) -> bool:
    """`time`: a time, after an optional date; `date`: a date, before an optional time."""
    if re.fullmatch(_TIME, text):
        return not date_required
    day, space, clock = text.partition(" ")
    if not _real_date(day):
        return False
    if not space:
        return date_required  # a date alone is a date, not a time
    return bool(re.fullmatch(_TIME, clock))


def _moment(text: str, *, date_required: bool) -> bool:
    parts = text.split("~")
    return len(parts) <= 2 and all(_point_in_time(p.strip(), date_required=date_required) for p in parts)


def value_fits(kind: KeywordType, value: str, *, choices: tuple[str, ...] = ()) -> bool:
    """Whether WeChat accepts `value` for a keyword of this type (False: it answers 47003)."""
    if not value or any(is_control(c) for c in value):
        return False
    n = len(value)
    match kind:
        case KeywordType.THING:
            return n <= 20
        case KeywordType.NUMBER:
            return sum(is_digit(c) for c in value) <= 32 and bool(_NUMBER.match(value))
        case KeywordType.LETTER:
            return n <= 32 and all(is_letter(c) for c in value)
        case KeywordType.SYMBOL:
            return n <= 5 and all(is_symbol(c) for c in value)
        case KeywordType.CHARACTER_STRING:
            return n <= 32 and all(is_digit(c) or is_letter(c) or is_symbol(c) for c in value)
        case KeywordType.TIME:
            return _moment(value, date_required=False)
        case KeywordType.DATE:
            return _moment(value, date_required=True)
        case KeywordType.AMOUNT:
            match = _AMOUNT.match(value)
            return match is not None and sum(is_digit(c) for c in match["digits"]) <= 10
        case KeywordType.PHONE_NUMBER:
            return n <= 17 and all(is_digit(c) or is_symbol(c) for c in value)
        case KeywordType.CAR_NUMBER:
            inner = value[1:-1] if n > 1 else ""
            ends = (value[0], value[-1])
            return (
                n <= 8
                and all(is_letter(c) or is_digit(c) for c in inner)
                and all(is_chinese(c) or is_letter(c) or is_digit(c) for c in ends)
            )
        case KeywordType.NAME:
            if all(is_letter(c) or is_symbol(c) for c in value):
                return n <= 20
            return n <= 10 and all(is_chinese(c) or is_letter(c) or is_symbol(c) for c in value)
        case KeywordType.PHRASE:
            return n <= 5 and all(is_chinese(c) for c in value)
        case KeywordType.ENUM:
            return value in choices


# --- fitting values ---------------------------------------------------------------------------------------


def one_line(text: str) -> str:
    """Control characters out, whitespace runs (line breaks included) as one space, trimmed."""
    kept = "".join(" " if c.isspace() else c for c in text if c.isspace() or not is_control(c))
    return " ".join(kept.split())


def clip(text: str, limit: int = 20, *, placeholder: str = "-") -> str:
    """One line of at most `limit` characters, an ellipsis where it was cut; `placeholder` for nothing."""
    line = one_line(text)
    if not line:
        return placeholder
    return line if len(line) <= limit else line[: limit - 1] + ELLIPSIS


def fit_text(kind: KeywordType, text: str) -> str:
    """A value of this type made from free text: cut to its length, characters it refuses left out."""
    line = one_line(text)
    match kind:
        case KeywordType.THING:
            return clip(line, 20)
        case KeywordType.CHARACTER_STRING:
            kept = "".join(c for c in line if is_digit(c) or is_letter(c) or is_symbol(c)).strip()
            return clip(kept, 32)
        case KeywordType.LETTER:
            return "".join(c for c in line if is_letter(c))[:32] or "X"
        case KeywordType.SYMBOL:
            return "".join(c for c in line if is_symbol(c) and c != " ")[:5] or "-"
        case KeywordType.PHONE_NUMBER:
            return "".join(c for c in line if is_digit(c) or is_symbol(c)).strip()[:17].strip() or "-"
        case KeywordType.NAME:
            kept = one_line("".join(c for c in line if is_chinese(c) or is_letter(c) or is_symbol(c)))
            if all(is_letter(c) or is_symbol(c) for c in kept):
                return clip(kept, 20)
            return clip(kept, 10)
        case KeywordType.PHRASE:
            return "".join(c for c in line if is_chinese(c))[:5] or "无"
        case _:
            raise ValueError(f"a {kind} value is not made from free text")


def number_value(number: int) -> str:
    if number < 0:
        raise ValueError("a number keyword holds no sign")
    return str(number)


def time_value(moment: datetime) -> str:
    """A date and a 24-hour time, in the reader's time zone (convert before)."""
    return f"{date_value(moment.date())} {moment:%H:%M}"


def date_value(day: date) -> str:
    return f"{day.year:04d}年{day.month:02d}月{day.day:02d}日"


def amount_value(fen: int) -> str:
    """Integer fen as yuan with the sign, whole yuan without decimals: ¥1250, ¥12.50."""
    if fen < 0:
        raise ValueError("an amount keyword holds no sign")
    yuan, cents = divmod(fen, 100)
    text = f"¥{yuan}" if cents == 0 else f"¥{yuan}.{cents:02d}"
    if sum(is_digit(c) for c in text) > 10:
        raise ValueError("more than ten digits do not fit an amount keyword")
    return text


Value = str | int | date | datetime


def fit(kind: KeywordType, value: Value) -> str:
    """The value for a keyword of `kind`: free text fitted; counts, amounts (fen), moments and dates formatted."""
    if isinstance(value, datetime):
        if kind is KeywordType.TIME:
            return time_value(value)
        if kind is KeywordType.DATE:
            return date_value(value.date())
    elif isinstance(value, date):
        if kind is KeywordType.DATE:
            return date_value(value)
    elif isinstance(value, bool):
        pass
    elif isinstance(value, int):
        if kind is KeywordType.NUMBER:
            return number_value(value)
        if kind is KeywordType.AMOUNT:
            return amount_value(value)
    else:
        return fit_text(kind, value)
    raise ValueError(f"a {type(value).__name__} does not fit a {kind} keyword")


# --- declarations ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyword:
    name: str  # as the template names it: its type, then its position (thing1, number2)
    label: str  # what WeChat shows before the value
    choices: tuple[str, ...] = ()  # an enum keyword's values

    def __post_init__(self) -> None:
        if keyword_type(self.name) is None:
            raise ValueError(f"{self.name!r} names no keyword type")

    @property
    def type(self) -> KeywordType:
        kind = keyword_type(self.name)
        assert kind is not None
        return kind

    def fits(self, value: str) -> bool:
        return value_fits(self.type, value, choices=self.choices)

    def value(self, value: Value) -> str:
        if self.type is KeywordType.ENUM:
            if value not in self.choices:
                raise ValueError(f"{self.name}: {value!r} is none of {self.choices}")
            return str(value)
        return fit(self.type, value)


@dataclass(frozen=True)
class TemplateMessage:
    """A template chosen in the official account's backend. `default_id` is the id settings default to and
    the id the sandbox account holds it under; a real account gives its own id, set in settings."""

    default_id: str
    title: str
    keywords: tuple[Keyword, ...]

    def keyword(self, name: str) -> Keyword | None:
        return next((k for k in self.keywords if k.name == name), None)

    def data(self, values: Mapping[str, Value]) -> dict[str, dict[str, str]]:
        """The `data` of a send: every declared keyword, each value fitted to its type."""
        names = {k.name for k in self.keywords}
        if set(values) != names:
            raise ValueError(f"{self.title}: keywords {sorted(names)}, given {sorted(values)}")
        return {k.name: {"value": k.value(values[k.name])} for k in self.keywords}

    def invalid(self, data: Mapping[str, Any]) -> str | None:
        """The first keyword whose value WeChat refuses (47003), or None."""
        for name, item in data.items():
            value = item.get("value") if isinstance(item, Mapping) else None
            kind = keyword_type(name)
            declared = self.keyword(name)
            if kind is None:
                continue  # not a typed keyword: the platform ignores it
            if not isinstance(value, str):
                return name
            if not (declared.fits(value) if declared else value_fits(kind, value)):
                return name
        return None

    def render(self, data: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(label, value) as the reader sees them, in the template's order."""
        shown: list[tuple[str, str]] = []
        for k in self.keywords:
            item = data.get(k.name)
            if isinstance(item, Mapping):
                shown.append((k.label, str(item.get("value", ""))))
        return shown


def invalid_keyword(data: Mapping[str, Any]) -> str | None:
    """For a template we have not declared: the first typed keyword whose value WeChat refuses."""
    return TemplateMessage("", "", ()).invalid(data)


# 需求匹配通知: one demand pushed to an expert by a staff member (bot settings: wechat.expert_push_template_id).
EXPERT_PUSH = TemplateMessage(
    default_id="TPL_EXPERT_PUSH",
    title="需求匹配通知",
    keywords=(
        Keyword("thing1", "需求名称"),
        Keyword("thing2", "技术领域"),
        Keyword("thing3", "推送机构"),
        Keyword("time4", "推送时间"),
    ),
)

# 新需求提醒: the daily digest of the demands in an expert's fields (bot settings: digest.template_id).
EXPERT_DIGEST = TemplateMessage(
    default_id="DIGEST_TEMPLATE",
    title="新需求提醒",
    keywords=(Keyword("thing1", "需求名称"), Keyword("number2", "需求数量"), Keyword("date3", "推送日期")),
)

# 审核结果通知: a registration decision (unit certification, institution registration, technology manager) told to
# an applicant who follows the official account (bot settings: registration.wechat_decision_template).
REVIEW_RESULT = TemplateMessage(
    default_id="TPL_REVIEW_RESULT",
    title="审核结果通知",
    keywords=(
        Keyword("thing1", "申请事项"),
        Keyword("phrase2", "审核结果"),
        Keyword("thing3", "审核意见"),
        Keyword("time4", "审核时间"),
    ),
)

TEMPLATE_MESSAGES: tuple[TemplateMessage, ...] = (EXPERT_PUSH, EXPERT_DIGEST, REVIEW_RESULT)
