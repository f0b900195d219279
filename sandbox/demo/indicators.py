"""A provincial evaluation system as the platform's indicators, so 绩效监测 shows scores from the start: basics 10 /
results 30 / capability 30 / governance 20 / reputation 10, normalised per 100 staff where a count grows with size
(docs/indicators.md). Declared as data through the use case, as a province would."""

from __future__ import annotations

from sqlalchemy import select

from handlers.indicators.declare import DeclareIndicator, declare_indicator
from sandbox.demo import DemoContext, demo_seed
from store.models.indicators import Indicator
from store.models.organisation import Account

SYSTEM_ADMIN_MOBILE = "13800000001"  # 王敏
# (key, name, formula, weight, per 100 staff)
PROVINCIAL = (
    ("basics", "基础条件", "experts", 10, True),
    ("results", "转化成效", "deals * 5 + demands_docked", 30, True),
    ("capability", "服务能力", "visits + demands_found", 30, True),
    ("governance", "规范管理", "reviews_decided - reviews_overdue", 20, False),
    ("reputation", "社会声誉", "points", 10, True),
)


@demo_seed("indicators", order=40)
async def seed_indicators(ctx: DemoContext) -> None:
    async with ctx.uow() as uow:
        if await uow.session.scalar(select(Indicator.id).limit(1)) is not None:
            return  # seeded before, in this database
        admin = await uow.session.scalar(select(Account.id).where(Account.mobile == SYSTEM_ADMIN_MOBILE))
    if admin is None:
        return
    for key, name, formula, weight, per_staff in PROVINCIAL:
        await declare_indicator(DeclareIndicator(admin, "platform", key, name, formula, weight, per_staff), ctx.uow())
