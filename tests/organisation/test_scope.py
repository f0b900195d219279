"""Scope: who sees which staff, experts, enterprises, institutions and centres — and nobody sees more."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy import select

from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
from handlers.enterprises.list_enterprises import ListEnterprises, list_enterprises
from handlers.errors import Forbidden, InvalidInput
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.experts.list_experts import ListExperts, list_experts
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.organisation.actors import load_actor
from handlers.organisation.pages import PageRequest
from handlers.organisation.scope import Listing, visible
from handlers.staff.add_staff import AddStaff, add_staff
from handlers.staff.list_staff import ListStaff, list_staff
from store.models.organisation import Centre, Institution
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP


@dataclass(frozen=True)
class World:
    """Institution A (西湖区) with centres in 钱塘区 and 海曙区; institution B registered at 杭州市 level with a
    centre in 临平区; experts of A, of B and of both; enterprises in four regions; officials at every level."""

    people: dict[str, int]


async def _world(org: Org) -> World:
    p: dict[str, int] = {"system": org.admin_id}
    inst_a, p["admin_a"] = await org.institution("甲机构", "12330000470003281H", mobile="13800000001", region="330106")
    inst_b, p["admin_b"] = await org.institution("乙机构", "12330100MB0123456R", mobile="13800000002", region="330100")

    async def centre(admin: str, inst: int, name: str, region: str) -> int:
        return (await create_centre(CreateCentre(p[admin], inst, name, region), org.uow, org.regions)).centre_id

    qiantang = await centre("admin_a", inst_a, "甲钱塘中心", "330114")
    haishu = await centre("admin_a", inst_a, "甲海曙中心", "330203")
    linping = await centre("admin_b", inst_b, "乙临平中心", "330113")
    for key, admin, where, mobile, boss in [
        ("a1", "admin_a", qiantang, "13600000001", True),
        ("a2", "admin_a", qiantang, "13600000002", False),
        ("a3", "admin_a", haishu, "13600000003", False),
        ("b1", "admin_b", linping, "13600000004", False),
    ]:
        added = await add_staff(
            AddStaff(p[admin], where, key, mobile, "技术经纪人", centre_admin=boss), org.uow, membership=MEMBERSHIP
        )
        p[key] = added.account_id
    await add_expert(AddExpert(p["admin_a"], inst_a, "e1", "13500000001"), org.uow)
    await add_expert(AddExpert(p["admin_b"], inst_b, "e2", "13500000002"), org.uow)
    await add_expert(AddExpert(p["admin_a"], inst_a, "e3", "13500000003"), org.uow)
    await add_expert(AddExpert(p["admin_b"], inst_b, "e3", "13500000003"), org.uow)
    for admin, inst, name in [
        ("admin_a", inst_a, "杭州云栖智能传感科技有限公司"),  # 330106
        ("admin_b", inst_b, "杭州钱塘半导体装备有限公司"),  # 330114
        ("admin_a", inst_a, "宁波海曙智能家电有限公司"),  # 330203
        ("admin_b", inst_b, "杭州城西数字科技集团有限公司"),  # 330100
    ]:
        await add_enterprise(AddEnterprise(p[admin], inst, name), org.uow, org.registry, org.regions)
    for key, mobile, region in [
        ("province", "13700000001", "330000"),
        ("hangzhou", "13700000002", "330100"),
        ("ningbo", "13700000003", "330200"),
        ("xihu", "13700000004", "330106"),
        ("qiantang", "13700000005", "330114"),
    ]:
        p[key] = (
            await create_official(
                CreateOfficial(org.admin_id, key, mobile, region), org.uow, org.regions, membership=MEMBERSHIP
            )
        ).account_id
    return World(p)


async def _staff(org: Org, actor: int) -> set[str]:
    return {s.name for s in (await list_staff(ListStaff(actor), org.uow)).items}


async def _experts(org: Org, actor: int) -> set[str]:
    return {e.name for e in (await list_experts(ListExperts(actor), org.uow)).items}


async def _enterprises(org: Org, actor: int) -> set[str]:
    return {e.name[2:4] for e in (await list_enterprises(ListEnterprises(actor), org.uow)).items}


async def _institutions_and_centres(org: Org, actor: int) -> tuple[set[str], set[str]]:
    async with org.uow as uow:
        who = await load_actor(uow, actor)
        insts = set(await uow.session.scalars(select(Institution.name).where(visible(who, Listing.INSTITUTIONS))))
        centres = set(await uow.session.scalars(select(Centre.name).where(visible(who, Listing.CENTRES))))
    return insts, centres


ALL_STAFF = {"a1", "a2", "a3", "b1"}
EXPECTED: dict[str, tuple[set[str], set[str], set[str]]] = {
    # actor: (staff, experts, enterprises by the two characters after the city name)
    "system": (ALL_STAFF, {"e1", "e2", "e3"}, {"云栖", "钱塘", "海曙", "城西"}),
    "admin_a": ({"a1", "a2", "a3"}, {"e1", "e3"}, {"云栖", "海曙"}),
    "admin_b": ({"b1"}, {"e2", "e3"}, {"钱塘", "城西"}),
    "a1": ({"a1", "a2"}, {"e1", "e3"}, {"云栖", "海曙"}),  # centre admin: their centre's staff
    "a2": ({"a2"}, {"e1", "e3"}, {"云栖", "海曙"}),  # plain staff: only themselves
    "b1": ({"b1"}, {"e2", "e3"}, {"钱塘", "城西"}),
    "province": (ALL_STAFF, {"e1", "e2", "e3"}, {"云栖", "钱塘", "海曙", "城西"}),
    "hangzhou": ({"a1", "a2", "b1"}, {"e1", "e2", "e3"}, {"云栖", "钱塘", "城西"}),
    "ningbo": ({"a3"}, set(), {"海曙"}),
    # District officials: never the city's own records (城西 is registered at 330100), never a neighbour's.
    "xihu": (set(), {"e1", "e3"}, {"云栖"}),
    "qiantang": ({"a1", "a2"}, set(), {"钱塘"}),
}


async def test_every_actor_sees_exactly_their_scope(org: Org) -> None:
    world = await _world(org)
    seen = {
        key: (
            await _staff(org, world.people[key]),
            await _experts(org, world.people[key]),
            await _enterprises(org, world.people[key]),
        )
        for key in EXPECTED
    }
    assert seen == EXPECTED


async def test_no_leakage_between_institutions_or_districts(org: Org) -> None:
    world = await _world(org)
    p = world.people
    a_insts, a_centres = await _institutions_and_centres(org, p["admin_a"])
    assert (a_insts, a_centres) == ({"甲机构"}, {"甲钱塘中心", "甲海曙中心"})
    b_insts, b_centres = await _institutions_and_centres(org, p["admin_b"])
    assert (b_insts, b_centres) == ({"乙机构"}, {"乙临平中心"})
    assert (await _institutions_and_centres(org, p["a1"])) == ({"甲机构"}, {"甲钱塘中心"})
    # 乙机构 is registered at city level (330100): the city sees it, its districts do not.
    assert (await _institutions_and_centres(org, p["hangzhou"])) == ({"甲机构", "乙机构"}, {"甲钱塘中心", "乙临平中心"})
    assert (await _institutions_and_centres(org, p["qiantang"])) == (set(), {"甲钱塘中心"})
    assert (await _institutions_and_centres(org, p["xihu"])) == ({"甲机构"}, set())
    # An unknown account sees nothing at all: the lists refuse it outright.
    for listing in (_staff, _experts, _enterprises):
        with pytest.raises(Forbidden):
            await listing(org, 999)
    assert (await _institutions_and_centres(org, 999)) == (set(), set())


async def test_lists_are_paginated(org: Org) -> None:
    world = await _world(org)
    system = world.people["system"]
    first = await list_enterprises(ListEnterprises(system, PageRequest(1, 3)), org.uow)
    second = await list_enterprises(ListEnterprises(system, PageRequest(2, 3)), org.uow)
    assert (first.total, len(first.items), second.total, len(second.items)) == (4, 3, 4, 1)
    assert not {e.enterprise_id for e in first.items} & {e.enterprise_id for e in second.items}
    assert [e.enterprise_id for e in first.items] == sorted((e.enterprise_id for e in first.items), reverse=True)
    staff = await list_staff(ListStaff(world.people["admin_a"], PageRequest(1, 2)), org.uow)
    assert (staff.total, len(staff.items)) == (3, 2)
    assert {s.centre_admin for s in (await list_staff(ListStaff(system), org.uow)).items} == {True, False}
    for bad in (PageRequest(0, 10), PageRequest(1, 0), PageRequest(1, 101)):
        with pytest.raises(InvalidInput):
            await list_experts(ListExperts(system, bad), org.uow)
