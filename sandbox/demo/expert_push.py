"""张三 pushes the demo's first docking demand to 陈教授 (who follows and is bound, see sandbox/demo/digest.py), so
the demand's 专家推送记录 lists a push and 陈教授's phone shows the template message once the relay runs."""

from __future__ import annotations

from sqlalchemy import select

from handlers.expert_push.push_experts import PushExperts, push_experts
from sandbox.demo import DemoContext, demo_seed
from store.models.demands import Demand, DemandStatus
from store.models.expert_pushes import ExpertPush
from store.models.organisation import Account
from store.models.organisation_people import Expert

STAFF_MOBILE, EXPERT_MOBILE = "13800000004", "13800000005"  # 张三, 陈教授


@demo_seed("expert-push", order=30)
async def seed_expert_push(ctx: DemoContext) -> None:
    if ctx.expert_push is None:
        return  # no official account configured
    async with ctx.uow() as uow:
        if await uow.session.scalar(select(ExpertPush.id).limit(1)) is not None:
            return  # seeded before, in this database
        staff = await uow.session.scalar(select(Account.id).where(Account.mobile == STAFF_MOBILE))
        expert = await uow.session.scalar(
            select(Expert.id).join(Account, Account.id == Expert.account_id).where(Account.mobile == EXPERT_MOBILE)
        )
        demand = await uow.session.scalar(
            select(Demand.id)
            .where(Demand.status == DemandStatus.DOCKING, Demand.staff_account_id == staff)
            .order_by(Demand.id)
            .limit(1)
        )
    if staff is None or expert is None or demand is None:
        return
    await push_experts(PushExperts(staff, demand, (expert,)), ctx.uow(), ctx.expert_push)
