"""The centre admin hands a demand in docking to another active staff member of the same centre (seed §一.3②).

The new staff member hears of it by work notice; the reminder count starts again for them, and the cards of
experts still waiting for a call move to them."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from cards.outbound import text_notice
from handlers.demands.access import locked
from handlers.demands.policy import DemandPolicy
from handlers.demands.scope import require_demand_in_scope
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict, Forbidden, NotFound
from handlers.expert_channel.dockings import hand_over_cards
from handlers.follow_up_reminders.state import restart_silence
from handlers.follow_ups.access import accepting_institution_id, docking_centre_id, is_docking_admin
from handlers.organisation.actors import load_actor
from handlers.reviews.reviewers import name_of, userid_of
from store.models.organisation import CLOSED_STATUSES, Account, Role, StaffMember
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ChangeDockingStaff:
    actor_id: int
    demand_id: int
    staff_member_id: int


@dataclass(frozen=True)
class DockingStaffChanged:
    demand_id: int
    staff_account_id: int


async def change_docking_staff(cmd: ChangeDockingStaff, uow: UnitOfWork, policy: DemandPolicy) -> DockingStaffChanged:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        if not await is_docking_admin(uow, actor, demand):
            await require_demand_in_scope(uow, actor, demand.id)
            raise Forbidden("只有分中心管理员可以更换对接人员")
        next_status(Step.CHANGE_STAFF, demand.status)
        # After an acceptance the accepting institution docks: its admin picks any of its staff, the docking
        # centre's admin one of that centre's.
        accepted = await accepting_institution_id(uow, demand)
        pool = (
            StaffMember.institution_id == accepted
            if accepted in actor.institutions(Role.INSTITUTION_ADMIN)
            else StaffMember.centre_id == await docking_centre_id(uow, demand)
        )
        account_id = await uow.session.scalar(
            select(StaffMember.account_id)
            .join(Account, Account.id == StaffMember.account_id)
            .where(
                StaffMember.id == cmd.staff_member_id,
                pool,
                StaffMember.left_at.is_(None),
                Account.status.not_in(list(CLOSED_STATUSES)),
            )
        )
        if account_id is None:
            raise NotFound("未找到该技转人员", code="staff_not_found")
        if account_id == demand.staff_account_id:
            raise Conflict("该人员已是此需求的对接人员", code="same_staff")
        before_id = demand.staff_account_id
        before = await name_of(uow, before_id) if before_id is not None else "无"
        after = await name_of(uow, account_id)
        demand.staff_account_id = account_id
        demand.updated_at = uow.clock.now()
        await step(
            uow,
            demand,
            Step.CHANGE_STAFF,
            demand.status,
            actor=actor.label,
            note=f"{before} → {after}",
            data={"from_staff_account_id": before_id, "to_staff_account_id": account_id},
        )
        await restart_silence(uow, demand.id, uow.clock.now())
        await hand_over_cards(uow, demand, after)
        if (userid := await userid_of(uow, account_id)) is not None:
            text = f"您已被指定为需求「{demand.title}」的对接人员，请及时跟进并记录。"
            if link := policy.link(demand.id):
                text += f"\n详情：{link}"
            await uow.send(
                text_notice(userid, text, record=f"需求 {demand.number} 更换对接人员", source=f"demand:{demand.id}")
            )
        await uow.commit()
        return DockingStaffChanged(demand.id, account_id)
