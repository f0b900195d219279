"""The unified social credit code (统一社会信用代码, GB 32100-2015), checked as one pure function.

Layout of the 18 characters:
  1     registration authority (登记管理部门代码: 1 机构编制, 5 民政, 9 工商/市场监管, Y 其他 …)
  2     organisation category (机构类别代码)
  3–8   the registration authority's administrative division (登记管理机关行政区划码, GB/T 2260)
  9–17  the organisation code body (主体标识码, GB 11714)
  18    the check character

Every character is one of the 31 in `ALPHABET` (digits and capitals without I, O, Z, S, V). The check character
is mod 31: with each character's value (its index in `ALPHABET`) and the weights 3^i mod 31
(1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28), C18 = ALPHABET[(31 - Σ value·weight mod 31)
mod 31]. (A mod-11 rule that many explainer pages give is that of the embedded organisation code, not of the
credit code.)

Used wherever a credit code is entered: enterprises now, unit certification later.
"""

from __future__ import annotations

from collections.abc import Callable

from handlers.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
LENGTH = 18
FIELD = "credit_code"
LABEL = "统一社会信用代码"
# Codes issued by a national authority carry the country's code, not a GB/T 2260 province.
NATIONAL_AUTHORITY = "100000"


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (each must be in ALPHABET)."""
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def authority_region(code: str) -> str:
    """Characters 3–8: the GB/T 2260 code of the authority that issued it."""
    return code[2:8]


def problem(code: str, region_exists: Callable[[str], bool] | None = None) -> tuple[str, str] | None:
    """Why a normalised code is not a credit code, as (error code, Chinese message), or None when it is one.

    `region_exists` checks characters 3–8 against GB/T 2260 (withdrawn codes count: a code keeps the region it
    was issued in); without it only the form and the check character are checked.
    """
    if len(code) != LENGTH:
        return "credit_code_length", f"{LABEL}应为{LENGTH}位，当前为{len(code)}位"
    wrong = sorted({c for c in code if c not in ALPHABET})
    if wrong:
        shown = "、".join(wrong)
        return "credit_code_character", f"{LABEL}含有不允许的字符：{shown}（不使用I、O、Z、S、V）"
    if check_character(code[:17]) != code[17]:
        return "credit_code_check", f"{LABEL}校验位不正确，请核对"
    region = authority_region(code)
    if not region.isdigit() or (
        region_exists is not None and region != NATIONAL_AUTHORITY and not region_exists(region)
    ):
        return "credit_code_region", f"{LABEL}第3至8位（登记机关行政区划码）{region}不是有效的行政区划代码，请核对"
    return None


def normalise(value: str) -> str:
    return value.strip().replace(" ", "").upper()


def is_valid(value: str, region_exists: Callable[[str], bool] | None = None) -> bool:
    return problem(normalise(value), region_exists) is None


def parse(value: str, region_exists: Callable[[str], bool] | None = None, *, field: str = FIELD) -> str:
    """The normalised code, or InvalidInput naming the field with a stable code per failed rule."""
    code = normalise(value)
    if not code:
        raise InvalidInput(f"请填写{LABEL}", code="missing_field", field=field)
    found = problem(code, region_exists)
    if found is not None:
        raise InvalidInput(found[1], code=found[0], field=field)
    return code
