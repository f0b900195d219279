"""Experts see a demand published to one of their institutions or to all while the publication is open, and one an
institution of theirs accepted; a withdrawn publication, or one to others only, shows nothing."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_channel.visibility import visible_to_expert
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.publications.withdraw_publication import WithdrawPublication, withdraw_publication
from store.models.demands import Demand
from tests.publications.conftest import Market, Other


async def _expert_of(market: Market, side: Other, mobile: str) -> int:
    added = await add_expert(AddExpert(side.admin, side.id, "专家", mobile), market.docking.bench.org.uow)
    return added.expert_id


async def _sees(market: Market, expert_id: int) -> bool:
    async with market.docking.bench.container.sessionmaker() as session:
        found = await session.scalar(
            select(Demand.id).where(Demand.id == market.demand_id, visible_to_expert(expert_id))
        )
    return found is not None


async def test_what_experts_of_other_institutions_see_of_a_publication(market: Market) -> None:
    of_a, of_b = await _expert_of(market, market.a, "13600000031"), await _expert_of(market, market.b, "13600000032")
    assert not await _sees(market, of_a) and not await _sees(market, of_b)  # the publisher's own, not yet published

    await market.publish("chosen", 1000, (market.a.id,))
    assert await _sees(market, of_a) and not await _sees(market, of_b)
    await withdraw_publication(
        WithdrawPublication(market.publisher_admin, market.demand_id), market.docking.bench.org.uow
    )
    assert not await _sees(market, of_a)

    publication_id = await market.publish("all", 1000)
    assert await _sees(market, of_a) and await _sees(market, of_b)
    await market.accept(market.b, publication_id)
    assert await _sees(market, of_b) and not await _sees(market, of_a)  # B docks it now; A lost the chance
