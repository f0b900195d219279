"""The enterprise contact hears by SMS when the first expert docks their demand (issue #6: approved, docked,
completed); cancelling and docking again sends nothing more."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_channel.dock_demand import DockDemand, dock_demand
from handlers.expert_channel.undock_demand import UndockDemand, undock_demand
from store.models.outbox import OutboxMessage
from tests.demands.conftest import CONTACT_MOBILE
from tests.expert_channel.conftest import approved, build_expert_world
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401  (fixtures)
from tests.policies import DEMANDS


async def test_the_first_docking_tells_the_enterprise(org: Org) -> None:  # noqa: F811
    w = await build_expert_world(org)
    demand = await approved(w.a)

    async def statuses() -> list[str]:
        async with w.container.sessionmaker() as session:
            rows = await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.channel == "sms",
                    OutboxMessage.recipient == CONTACT_MOBILE,
                    OutboxMessage.source == f"demand:{demand}",
                )
                .order_by(OutboxMessage.id)
            )
            return [str(r.payload["params"]["status"]) for r in rows]

    assert await statuses() == ["已通过审核，进入对接"]
    await dock_demand(DockDemand(w.expert_account, demand), org.uow, DEMANDS)
    assert await statuses() == ["已通过审核，进入对接", "已有专家对接"]
    await undock_demand(UndockDemand(w.expert_account, demand), org.uow)
    await dock_demand(DockDemand(w.expert_account, demand), org.uow, DEMANDS)
    assert await statuses() == ["已通过审核，进入对接", "已有专家对接"]
