"""After another institution accepts a publication, the project is registered on the accepting side: its docking
staff member (or its admins for them) registers, the +5 goes to that staff member, and the publisher's people,
who only read now, are refused."""

from __future__ import annotations

from handlers.errors import Conflict, Forbidden
from handlers.projects.register_project import RegisterProject, register_project
from handlers.publications.list_publications import ListPublications, list_publications
from store.models.demands import DemandStatus
from tests.demands.conftest import demand_of
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.projects.conftest import fields_for, points_of, register
from tests.publications.conftest import Market


async def test_the_accepting_staff_member_registers_and_earns_the_points(market: Market) -> None:
    d, a = market.docking, market.a
    uow, c = d.bench.org.uow, d.bench.container
    await market.accept(a, await market.publish("all", 1000))
    before = await points_of(d)

    for publisher_side in (d.bench.staff_id, d.centre_admin_id, market.publisher_admin):
        cmd = RegisterProject(publisher_side, d.demand_id, await fields_for(d, publisher_side))
        await refused(c, register_project(cmd, uow, DEMANDS), Forbidden, "forbidden")
    assert (await demand_of(c, d.demand_id)).status == DemandStatus.PUBLISHED

    registered = await register(d, a.staff, amount_fen=30_000_000)
    assert (await demand_of(c, d.demand_id)).status == DemandStatus.COMPLETED
    # The fee owed is the publication's ratio the letter committed to (10 %), not the demand's own (8 %).
    assert registered.expected_fee_fen == 3_000_000
    after = await points_of(d)
    assert after.get(a.staff, 0) - before.get(a.staff, 0) == 5
    assert after.get(d.bench.staff_id, 0) == before.get(d.bench.staff_id, 0)  # the publisher's staff earn nothing


async def test_the_accepting_institution_admin_registers_for_their_staff_member(market: Market) -> None:
    d, a = market.docking, market.a
    await market.accept(a, await market.publish("all", 1000))
    before = await points_of(d)
    await register(d, a.admin)
    assert (await points_of(d)).get(a.staff, 0) - before.get(a.staff, 0) == 5


async def test_registered_by_the_publishers_staff_before_anyone_accepted_ends_the_offer(market: Market) -> None:
    d, a = market.docking, market.a
    uow, c = d.bench.org.uow, d.bench.container
    publication_id = await market.publish("all", 1000)
    await register(d, d.bench.staff_id)
    assert (await demand_of(c, d.demand_id)).status == DemandStatus.COMPLETED
    [mine] = await list_publications(ListPublications(market.publisher_admin, "published"), uow)
    assert (mine.id, mine.status) == (publication_id, "withdrawn")
    assert await list_publications(ListPublications(a.admin), uow) == []
    await refused(c, market.letter(a.admin, publication_id), Conflict, "publication_withdrawn")
