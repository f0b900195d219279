"""The enterprise's contacts in the demand detail reach the demand's own side only: an institution a publication
is merely offered to reads the enterprise's name, the accepting institution's docking staff reads the contacts."""

from __future__ import annotations

from handlers.demands.get_demand import GetDemand, get_demand
from tests.follow_ups.conftest import Docking
from tests.publications.conftest import Market


async def test_contacts_reach_the_accepting_side_once_it_accepted(docking: Docking, market: Market) -> None:
    uow = docking.bench.org.uow
    publication = await market.publish()
    offered = await get_demand(GetDemand(market.a.admin, docking.demand_id), uow)
    assert offered.enterprise_name == "杭州云栖智能传感科技有限公司" and offered.enterprise_contacts == ()
    assert offered.number == "XQ2025-000001" and offered.staff_name == "张三"
    await market.accept(market.a, publication)
    docked = await get_demand(GetDemand(market.a.staff, docking.demand_id), uow)
    assert docked.staff_name == "技转31"
    assert [c.name for c in docked.enterprise_contacts] == ["陈经理"]
    # The publishing side keeps reading them: the enterprise is its own.
    publisher_side = await get_demand(GetDemand(docking.bench.staff_id, docking.demand_id), uow)
    assert [c.name for c in publisher_side.enterprise_contacts] == ["陈经理"]
