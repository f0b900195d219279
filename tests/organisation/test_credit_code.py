"""GB 32100-2015 credit codes: worked examples by hand, agreement with python-stdnum, and the per-field errors."""

from __future__ import annotations

import random

import pytest
from stdnum.cn import uscc

from handlers.errors import InvalidInput
from handlers.organisation import credit_code as cc
from handlers.reference.regions import Regions


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions.load()


def test_a_worked_example_by_hand() -> None:
    # 9 1 1 1 0 1 0 8 5 5 1 3 8 5 0 8 2 weighted by 3^i mod 31 sums to 999; 999 mod 31 = 7; 31 - 7 = 24 → "Q".
    body = "91110108551385082"
    values = [cc.ALPHABET.index(c) for c in body]
    assert sum(v * w for v, w in zip(values, cc.WEIGHTS, strict=True)) == 999
    assert tuple(pow(3, i, 31) for i in range(17)) == cc.WEIGHTS
    assert cc.check_character(body) == "Q"
    assert cc.is_valid("91110108551385082Q")


def test_a_worked_example_with_letters() -> None:
    # M = 21 and Y = 30 in the 31-character alphabet: the sum is 1640, 1640 mod 31 = 28, 31 - 28 = 3.
    assert cc.check_character("91350100M000100Y4") == "3"
    assert cc.is_valid("91350100M000100Y43")


def test_a_remainder_of_zero_gives_zero_not_31() -> None:
    # Find a body whose weighted sum is a multiple of 31: its check character is "0".
    rng = random.Random(7)
    while True:
        body = "9133010" + "".join(rng.choice(cc.ALPHABET) for _ in range(10))
        total = sum(cc.ALPHABET.index(c) * w for c, w in zip(body, cc.WEIGHTS, strict=True))
        if total % 31 == 0:
            break
    assert cc.check_character(body) == "0"


def test_the_mod_11_rule_of_explainer_pages_is_not_the_check() -> None:
    # The mod-11 rule (weights 3,7,9,10,5,8,4,2) is GB 11714's, for the organisation code embedded in
    # characters 9–17: for 91110108551385082Q it gives 17th character 2, not the credit code's 18th.
    org_body = "55138508"
    total = sum(int(c, 36) * w for c, w in zip(org_body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    assert (total, 11 - total % 11) == (185, 2)
    assert not cc.is_valid("911101085513850822")  # a code "checked" that way is refused


def _random_code(rng: random.Random, valid: bool) -> str:
    body = rng.choice("159") + rng.choice("123") + rng.choice(["330106", "110108", "440300", "330100"])
    body += "".join(rng.choice(cc.ALPHABET) for _ in range(9))
    check = cc.check_character(body)
    if not valid:
        check = rng.choice([c for c in cc.ALPHABET if c != check])
    return body + check


def test_agrees_with_python_stdnum_on_many_codes() -> None:
    rng = random.Random(2026)
    codes = [_random_code(rng, valid=n % 2 == 0) for n in range(2000)]
    for code in codes:
        assert cc.is_valid(code) == uscc.is_valid(code), code
        if cc.is_valid(code):
            assert uscc.calc_check_digit(code) == code[17]
    assert sum(map(cc.is_valid, codes)) == 1000


def test_agrees_with_python_stdnum_on_malformed_codes() -> None:
    for code in (
        "",
        "9111010855138508",
        "91110108551385082QQ",
        "91110108551385082I",
        "9111010855138508OQ",
        "91110108551385S82Q",
        "91110108551385082q".upper()[:-1] + "Z",
    ):
        assert cc.is_valid(code) == uscc.is_valid(code), code


def test_letters_in_the_authority_digits_are_refused_like_stdnum() -> None:
    body = "9133A106MAPBRNYT6"
    code = body + cc.check_character(body)
    assert not cc.is_valid(code) and not uscc.is_valid(code)
    assert cc.problem(code) == (
        "credit_code_region",
        "统一社会信用代码第3至8位（登记机关行政区划码）33A106不是有效的行政区划代码，请核对",
    )


def test_characters_3_to_8_must_be_a_gb_t_2260_region(regions: Regions) -> None:
    body = "91339906MAPBRNYT6"  # 339906 is no region
    code = body + cc.check_character(body)
    assert uscc.is_valid(code)  # stdnum checks only the form
    assert cc.is_valid(code) and not cc.is_valid(code, regions.exists)
    with pytest.raises(InvalidInput) as caught:
        cc.parse(code, regions.exists)
    assert (caught.value.code, caught.value.field) == ("credit_code_region", "credit_code")
    assert "339906" in caught.value.message and "统一社会信用代码" in caught.value.message
    # The national authority's 100000 and a withdrawn region still issue valid codes.
    assert cc.is_valid("91100000" + "MA0000001" + cc.check_character("91100000MA0000001"), regions.exists)


@pytest.mark.parametrize(
    ("value", "code", "says"),
    [
        ("", "missing_field", "请填写统一社会信用代码"),
        ("9133010", "credit_code_length", "应为18位，当前为7位"),
        ("91330106MAPBRNYTO6", "credit_code_character", "不允许的字符：O"),
        ("91330106MAPBRNYT67", "credit_code_check", "校验位不正确"),
    ],
)
def test_each_rule_has_its_own_code_and_a_message_naming_the_field(
    regions: Regions, value: str, code: str, says: str
) -> None:
    with pytest.raises(InvalidInput) as caught:
        cc.parse(value, regions.exists)
    assert caught.value.code == code and caught.value.field == "credit_code"
    assert says in caught.value.message and "统一社会信用代码" in caught.value.message


def test_input_is_normalised(regions: Regions) -> None:
    assert cc.parse(" 91330106mapbrnyt66 ", regions.exists) == "91330106MAPBRNYT66"
