"""The expert's pages in the demo: 陈教授 publishes a technology and docks the approved demand, so 张三's
DingTalk shows the docking card and 陈教授's mini-program shows 我的对接."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_channel.dock_demand import DockDemand, dock_demand
from handlers.expert_channel.publish_technology import PublishTechnology, publish_technology
from handlers.expert_channel.technologies import TechnologyFields
from sandbox.demo import DemoContext, demo_seed
from store.models.demands import Demand, DemandStatus
from store.models.expert_pages import ExpertDocking
from store.models.organisation import Account

EXPERT_MOBILE = "13800000005"  # 陈教授
TECHNOLOGY = TechnologyFields(
    "高强韧铝合金短流程制备技术", ("0401",), "短流程制备高强韧铝合金，已用于汽车轻量化部件。", "industrial", "licence"
)


@demo_seed("expert_pages", order=20)
async def seed_expert_pages(ctx: DemoContext) -> None:
    async with ctx.uow() as uow:
        if await uow.session.scalar(select(ExpertDocking.id).limit(1)) is not None:
            return  # seeded before, in this database
        expert = await uow.session.scalar(select(Account.id).where(Account.mobile == EXPERT_MOBILE))
        demand = await uow.session.scalar(
            select(Demand.id).where(Demand.status == DemandStatus.DOCKING).order_by(Demand.id).limit(1)
        )
    if expert is None or demand is None:
        return
    await publish_technology(PublishTechnology(expert, TECHNOLOGY), ctx.uow())
    await dock_demand(DockDemand(expert, demand), ctx.uow(), ctx.demands)
