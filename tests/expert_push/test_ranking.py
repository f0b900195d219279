"""The suggestion list: who is listed, in which order, and why (each part of the score a reason)."""

from __future__ import annotations

import pytest

from handlers.errors import Conflict, DomainError
from handlers.expert_push.ranking import DemandText, ExpertText, rank
from handlers.expert_push.suggest_experts import SuggestExperts, suggest_experts
from handlers.reference.tech_fields import TechFields
from tests.api.conftest import credit_code
from tests.expert_push.support import POLICY, Desk

DEMAND = DemandText(("010203",), "330106", "芯片封装良率提升\n现有集成电路封装工艺良率偏低，需要先进封装方案。")
NAME_OF = TechFields.load().name_of


def test_a_field_match_outranks_a_text_only_match() -> None:
    words_only = ExpertText(1, ("0201",), None, "长期研究集成电路先进封装，良率提升方面经验丰富")
    in_field = ExpertText(2, ("0102",), None, "从事微电子方向研究")
    ranked = rank(DEMAND, [words_only, in_field], NAME_OF)
    assert [r.expert_id for r in ranked] == [2, 1]
    assert ranked[0].reasons == ("研究领域匹配：集成电路封装技术",)  # the more specific of 0102 and 010203
    assert ranked[1].reasons[0].startswith("关键词：") and "封装" in ranked[1].reasons[0]
    assert ranked[0].score > ranked[1].score > 0


def test_the_same_region_counts_and_says_so() -> None:
    here = ExpertText(1, (), "330110", "水稻育种")
    elsewhere = ExpertText(2, (), "110101", "水稻育种")
    ranked = rank(DEMAND, [elsewhere, here], NAME_OF)
    assert [(r.expert_id, r.reasons) for r in ranked] == [(1, ("同一地区",)), (2, ())]
    assert ranked[0].score == 1.0 and ranked[1].score == 0.0


def test_reasons_add_up_and_a_stranger_scores_nothing() -> None:
    full = ExpertText(1, ("010203",), "330106", "集成电路封装良率")
    stranger = ExpertText(2, ("0201",), "110101", "中药材种植")
    best, last = rank(DEMAND, [stranger, full], NAME_OF)
    assert best.expert_id == 1 and len(best.reasons) == 3 and best.reasons[2] == "同一地区"
    assert best.score == pytest.approx(3.0 + 2.0 + 1.0)
    assert (last.expert_id, last.score, last.reasons) == (2, 0.0, ())


async def test_suggestions_list_only_reachable_experts_of_the_institution_best_first(desk: Desk) -> None:
    field = await desk.expert("李封装", "13900000101", fields=("010203",), openid="o-li")
    words = await desk.expert("赵良率", "13900000102", intro="研究先进封装与良率提升", openid="o-zhao")
    await desk.expert("钱未关注", "13900000103", fields=("010203",), openid="o-qian", following=False)
    await desk.expert("孙未绑定", "13900000104", fields=("010203",), openid="o-sun", bound=False)
    await desk.expert("周无微信", "13900000105", fields=("010203",))
    other_inst, other_admin = await desk.bench.org.institution("另一机构", credit_code(7), mobile="13800000091")
    await desk.expert(
        "吴他院", "13900000106", fields=("010203",), openid="o-wu", admin=other_admin, institution=other_inst
    )
    listed = await suggest_experts(SuggestExperts(desk.bench.staff_id, desk.demand_id), desk.bench.org.uow, POLICY)
    assert [(s.expert_id, s.name) for s in listed] == [(field, "李封装"), (words, "赵良率")]
    assert listed[0].reasons == ["研究领域匹配：集成电路封装技术"]
    assert listed[1].reasons == ["关键词：封装、良率、提升"]


async def test_filters_by_field_subtree_region_and_employer(desk: Desk) -> None:
    chip = await desk.expert(
        "李封装", "13900000101", fields=("010203",), region="330106", employer="浙江大学", openid="o-li"
    )
    soft = await desk.expert(
        "赵软件", "13900000102", fields=("010101",), region="110101", employer="北京大学", openid="o-zhao"
    )
    uow, staff = desk.bench.org.uow, desk.bench.staff_id

    async def ids(**filters: str) -> list[int]:
        found = await suggest_experts(SuggestExperts(staff, desk.demand_id, **filters), uow, POLICY)
        return [s.expert_id for s in found]

    assert await ids(field="01") == [chip, soft]  # a domain covers every field below it
    assert await ids(field="0102") == [chip]
    assert await ids(region="330000") == [chip]  # Zhejiang
    assert await ids(region="110000") == [soft]
    assert await ids(employer="北京") == [soft]
    with pytest.raises(DomainError) as bad_field:
        await ids(field="99")
    assert bad_field.value.code == "invalid_tech_field"
    with pytest.raises(DomainError) as bad_region:
        await ids(region="999999")
    assert bad_region.value.code == "invalid_region"


async def test_only_the_docking_staff_and_the_centre_admin_get_suggestions(desk: Desk) -> None:
    uow = desk.bench.org.uow
    assert await suggest_experts(SuggestExperts(desk.centre_admin_id, desk.demand_id), uow, POLICY) == []
    with pytest.raises(DomainError) as refused:
        await suggest_experts(SuggestExperts(desk.bench.admin_id, desk.demand_id), uow, POLICY)
    assert refused.value.status == 403
    draft = (await desk.bench.submit(draft=True)).demand_id
    with pytest.raises(Conflict) as not_open:
        await suggest_experts(SuggestExperts(desk.bench.staff_id, draft), uow, POLICY)
    assert not_open.value.code == "illegal_transition"


async def test_staff_set_an_existing_experts_fields_and_region_and_the_ranking_follows(desk: Desk) -> None:
    from handlers.experts.set_expert_expertise import SetExpertExpertise, set_expert_expertise

    plain = await desk.expert("郑普通", "13900000107", openid="o-zheng")
    uow, staff = desk.bench.org.uow, desk.bench.staff_id
    [before] = await suggest_experts(SuggestExperts(staff, desk.demand_id), uow, POLICY)
    assert (before.expert_id, before.score, before.reasons) == (plain, 0.0, [])
    done = await set_expert_expertise(SetExpertExpertise(staff, plain, (" 010203", "010203"), "330108"), uow)
    assert (done.research_fields, done.region_code) == (["010203"], "330108")
    [after] = await suggest_experts(SuggestExperts(staff, desk.demand_id), uow, POLICY)
    assert after.reasons == ["研究领域匹配：集成电路封装技术", "同一地区"]
    for fields, region, code in (
        (("0x",), None, "invalid_tech_field"),
        ((), "999999", "invalid_region"),
        (tuple(f"0{i}" for i in range(1, 9)) + ("0101", "0102", "0103"), None, "too_many_research_fields"),
    ):
        with pytest.raises(DomainError) as bad:
            await set_expert_expertise(SetExpertExpertise(staff, plain, fields, region), uow)
        assert bad.value.code == code
    other_inst, other_admin = await desk.bench.org.institution("另一机构", credit_code(8), mobile="13800000092")
    with pytest.raises(DomainError) as outsider:
        await set_expert_expertise(SetExpertExpertise(other_admin, plain, (), None), uow)
    assert outsider.value.status == 404
