"""The credit code a unit certification is checked with (handlers/organisation/credit_code.py): more worked
examples by hand — a letter as the check character, letters in the body — and a property test agreeing with
python-stdnum's `stdnum.cn.uscc` on arbitrary strings."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import uscc

from handlers.organisation import credit_code as cc
from handlers.reference.regions import Regions


def _sum(body: str) -> int:
    return sum(cc.ALPHABET.index(c) * w for c, w in zip(body, cc.WEIGHTS, strict=True))


def test_a_letter_as_the_check_character_by_hand() -> None:
    # 1·1 + 2·3 + 1·9 + 4·20 + 6·10 + 2·30 + 4·28 = 328; 328 mod 31 = 18; 31 − 18 = 13 → "D" (A is 10).
    assert _sum("12100000400000624") == 328
    assert cc.check_character("12100000400000624") == "D"
    assert cc.is_valid("12100000400000624D") and uscc.is_valid("12100000400000624D")


def test_letters_in_the_body_by_hand() -> None:
    # The sandbox registry's 杭州西溪新材料: M=21, A=10, X=29, G=16, T=26, E=14, Q=24 (no I, O, S, V, Z in the
    # alphabet shifts the later letters); the sum is 3431; 3431 mod 31 = 21; 31 − 21 = 10 → "A".
    assert [cc.ALPHABET.index(c) for c in "MAXGTEQ"] == [21, 10, 29, 16, 26, 14, 24]
    assert _sum("91330106MAXG0TEQ2") == 3431
    assert cc.check_character("91330106MAXG0TEQ2") == "A"
    assert cc.is_valid("91330106MAXG0TEQ2A", Regions.load().exists)


def test_a_social_organisation_code_by_hand() -> None:
    # 5 (民政) 2 (社会团体… category), Beijing 110000: 5·1 + 2·3 + 1·9 + 1·27 + 21·20 + 18·29 = 989;
    # 989 mod 31 = 28; 31 − 28 = 3.
    assert _sum("52110000MJ0000000") == 989
    assert cc.check_character("52110000MJ0000000") == "3"
    assert uscc.calc_check_digit("52110000MJ0000000") == "3"


_CHARS = st.sampled_from(cc.ALPHABET + "IOSVZ")


def _stdnum_scope(code: str) -> bool:
    """stdnum wants characters 1–8 all digits; GB 32100 also has letter authorities (A 中央军委改革和编制办公室,
    N 农业 — rural collective economic organisations' codes begin N2 —, Y 其他), which we accept."""
    return code[:2].isdigit()


@settings(max_examples=400, deadline=None)
@given(st.text(_CHARS, min_size=16, max_size=19))
def test_agrees_with_stdnum_on_any_string(code: str) -> None:
    if _stdnum_scope(code):
        assert cc.is_valid(code) == uscc.is_valid(code), code
    else:
        assert not uscc.is_valid(code)


@settings(max_examples=400, deadline=None)
@given(
    st.sampled_from("159NY"),
    st.sampled_from("123"),
    st.text(st.sampled_from("0123456789"), min_size=6, max_size=6),
    st.text(st.sampled_from(cc.ALPHABET), min_size=9, max_size=9),
    st.sampled_from(cc.ALPHABET),
)
def test_agrees_with_stdnum_on_well_formed_bodies(authority: str, kind: str, region: str, body: str, last: str) -> None:
    first17 = authority + kind + region + body
    code = first17 + last
    # The check character is the same computation for every code, letter authorities included.
    assert cc.check_character(first17) == uscc.calc_check_digit(first17)
    assert cc.is_valid(code) == (last == uscc.calc_check_digit(first17))
    if _stdnum_scope(code):
        assert cc.is_valid(code) == uscc.is_valid(code), code


def test_a_letter_authority_is_a_credit_code_stdnum_does_not_take() -> None:
    body = "N2330106MF0000001"
    code = body + cc.check_character(body)
    assert cc.is_valid(code, Regions.load().exists)
    assert not uscc.is_valid(code)  # stdnum: characters 1–8 digits only
