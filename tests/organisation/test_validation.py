"""Field rules: credit codes by GB 32100-2015, mainland mobiles, introductions, fee ratios, region codes."""

from __future__ import annotations

import pytest

from handlers.errors import InvalidInput
from handlers.organisation import validation as v
from handlers.reference.regions import Regions
from sandbox.registry import RECORDS, SandboxBusinessRegistry
from store.models.organisation import RegionLevel

# Codes whose check characters were computed for these tests (a public institution, a city-level one,
# a social organisation, and the first sandbox company).
VALID = ["12330000470003281H", "12330100MB0123456R", "52330106MJ8765432T", "91330106MAPBRNYT66"]


def test_check_character_follows_the_standard_by_hand() -> None:
    # Worked out with the standard's weights, independently of the implementation.
    first17 = "12330000470003281"
    values = [int(c) for c in first17]
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(a * b for a, b in zip(values, weights, strict=True))
    check = (31 - total % 31) % 31
    assert v.CREDIT_CODE_ALPHABET[check] == "H" == v.credit_code_check_char(first17)


@pytest.mark.parametrize("code", VALID + [r.credit_code for r in RECORDS])
def test_valid_credit_codes_pass(code: str) -> None:
    assert v.credit_code(code) == code
    assert v.credit_code(f" {code.lower()} ") == code


@pytest.mark.parametrize(
    "code",
    [
        "12330000470003281J",  # wrong check character
        "91330106MAPBRNYT67",
        "12330000470003281",  # 17 characters
        "12330000470003281HH",
        "1233000047000328IH",  # I is not in the alphabet
        "",
    ],
)
def test_bad_credit_codes_are_refused(code: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.credit_code(code)
    assert caught.value.code == "invalid_credit_code"
    assert caught.value.message == "请输入正确的统一社会信用代码"


def test_a_check_value_of_31_becomes_zero() -> None:
    # Search for a body whose weighted sum is divisible by 31: its check character must be "0".
    for n in range(10_000):
        body = f"9133010600000{n:04d}"
        total = sum(v.CREDIT_CODE_ALPHABET.index(c) * w for c, w in zip(body, v.CREDIT_CODE_WEIGHTS, strict=True))
        if total % 31 == 0:
            assert v.credit_code_check_char(body) == "0"
            assert v.credit_code(body + "0") == body + "0"
            return
    pytest.fail("no body with a sum divisible by 31")


@pytest.mark.parametrize("raw,clean", [("13812345678", "13812345678"), ("+86 199-1234-5678", "19912345678")])
def test_mobiles(raw: str, clean: str) -> None:
    assert v.mobile(raw) == clean


@pytest.mark.parametrize("raw", ["0571-87654321", "057187654321", "12812345678", "1381234567", "138123456789", "abc"])
def test_landlines_and_junk_are_not_mobiles(raw: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        v.mobile(raw)
    assert caught.value.message == "请输入正确的手机号码"
    assert caught.value.code == "invalid_mobile"


def test_contact_phone_takes_a_landline_or_a_mobile() -> None:
    assert v.phone("0571-87654321") == "0571-87654321"
    assert v.phone("13812345678") == "13812345678"
    with pytest.raises(InvalidInput):
        v.phone("12345")


def test_introduction_is_at_most_300_characters() -> None:
    assert v.introduction("科" * 300) == "科" * 300
    with pytest.raises(InvalidInput) as caught:
        v.introduction("科" * 301)
    assert caught.value.code == "introduction_too_long"


@pytest.mark.parametrize("bp", [0, 1, 500, 10_000])
def test_fee_ratio_in_range(bp: int) -> None:
    assert v.fee_ratio_bp(bp) == bp


@pytest.mark.parametrize("bp", [-1, 10_001, True])
def test_fee_ratio_out_of_range(bp: int) -> None:
    with pytest.raises(InvalidInput):
        v.fee_ratio_bp(bp)


def test_region_codes_go_through_the_directory() -> None:
    regions = Regions.load()
    assert v.region_code("330106", regions) == "330106"
    for bad in ["330199", "33010", "abcdef", "3301060"]:
        with pytest.raises(InvalidInput):
            v.region_code(bad, regions)


def test_a_withdrawn_region_is_refused_for_new_records() -> None:
    regions = Regions.load()
    assert regions.exists("330104"), "江干区 still resolves for old records"
    with pytest.raises(InvalidInput) as refused:
        v.region_code("330104", regions)
    assert refused.value.code == "abolished_region" and "已撤销" in refused.value.message
    assert v.region_code("330114", regions) == "330114"  # 钱塘区, its successor


def test_region_levels_and_prefixes() -> None:
    assert (v.region_level("330000"), v.region_prefix("330000")) == (RegionLevel.PROVINCE, "33")
    assert (v.region_level("330100"), v.region_prefix("330100")) == (RegionLevel.CITY, "3301")
    assert (v.region_level("330106"), v.region_prefix("330106")) == (RegionLevel.DISTRICT, "330106")
    regions = Regions.load()
    assert regions.within("330106", "330100") and regions.within("330106", "330000")
    assert not regions.within("330203", "330100") and not regions.within("330100", "330106")


async def test_sandbox_registry_finds_by_exact_full_name() -> None:
    registry = SandboxBusinessRegistry()
    assert len(RECORDS) == 13 and len({r.credit_code for r in RECORDS}) == 13
    found = await registry.lookup(" 杭州西溪新材料有限公司 ")
    assert found is not None and found.region_code == "330106" and found.registered_capital_fen == 500 * 10**6
    assert await registry.lookup("杭州西溪新材料") is None
    regions = Regions.load()
    assert all(regions.exists(r.region_code) for r in RECORDS)
