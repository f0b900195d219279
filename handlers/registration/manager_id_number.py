"""The resident ID number (GB 11643-1999): 17 digits, a birth date that exists and is not in the future, and the
ISO 7064 MOD 11-2 check character."""

from __future__ import annotations

from datetime import date

from handlers.errors import InvalidInput

_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK = "10X98765432"


def check_character(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def parse_id_number(value: str, today: date) -> str:
    text = value.strip().upper()
    if len(text) != 18 or not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise InvalidInput("身份证号应为18位（最后一位可为X）", code="id_number_format", field="id_number")
    try:
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        born = None
    if born is None or born > today:
        raise InvalidInput("身份证号中的出生日期有误", code="id_number_birth_date", field="id_number")
    if check_character(text[:17]) != text[17]:
        raise InvalidInput("身份证号校验位有误，请核对", code="id_number_check", field="id_number")
    return text
