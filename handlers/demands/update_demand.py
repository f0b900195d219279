"""Editing a demand. A draft or a demand returned for update is edited by its owner (resubmitting is a separate
step); a demand in docking (对接中) or published (已公开) by its docking side — the docking staff member or the
docking centre's admin, or once another institution accepted it, that side — as the follow-ups unfold (seed 004
§五.3). The fee ratio, reviewed and the ground of any publication, stays as approved. Each edit that changes
something is a timeline step naming what changed, old → new, and an audit entry with the values."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.demands import fields as f
from handlers.demands.access import locked, require_owner
from handlers.demands.changes import audit_data, changes, note
from handlers.demands.policy import DemandPolicy
from handlers.demands.scope import require_visible_demand
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict, Forbidden
from handlers.follow_ups.access import is_docking_admin, is_docking_staff
from handlers.organisation.actors import Actor, load_actor
from store.models.demands import Demand, DemandStatus
from store.uow import UnitOfWork

DOCKING_STATES = frozenset({DemandStatus.DOCKING, DemandStatus.PUBLISHED})


@dataclass(frozen=True)
class UpdateDemand:
    actor_id: int
    demand_id: int
    fields: f.DemandFields


@dataclass(frozen=True)
class DemandUpdated:
    changed: tuple[str, ...]  # the fields that changed; empty when the edit changed nothing


async def update_demand(cmd: UpdateDemand, uow: UnitOfWork, policy: DemandPolicy) -> DemandUpdated:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        docking = demand.status in DOCKING_STATES
        if docking:
            await require_docking_side(uow, actor, demand)
        else:
            await require_owner(uow, actor, demand)
        next_status(Step.EDIT, demand.status)
        today = uow.clock.now().astimezone(policy.zone).date()
        if cmd.fields.deadline is not None and cmd.fields.deadline == demand.deadline:
            today = min(today, cmd.fields.deadline)  # a deadline left as it was is no new input
        draft = demand.status == DemandStatus.DRAFT  # checked fully when it is sent to review
        clean = f.clean(cmd.fields, today, draft=draft)
        if docking and clean.fee_ratio_bp != demand.fee_ratio_bp:
            raise Conflict("对接中的需求不能修改中介服务费比例", code="fee_ratio_locked")
        if not draft:
            await f.check_fee_ratio(uow, clean.fee_ratio_bp, demand.institution_id, policy.fee_floor_bp)
        await f.check_attachments(uow, clean.attachment_ids, actor.label, tuple(int(i) for i in demand.attachment_ids))
        found = changes(demand, clean)
        if not found:
            return DemandUpdated(())
        text = await note(uow, found)
        f.apply(demand, clean)
        demand.updated_at = uow.clock.now()
        await step(uow, demand, Step.EDIT, demand.status, actor=actor.label, note=text, data=audit_data(found))
        await uow.commit()
        return DemandUpdated(tuple(c.field for c in found))


async def require_docking_side(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    """Someone who sees the demand but does not dock it is forbidden; anyone else learns nothing (404)."""
    if is_docking_staff(actor, demand) or await is_docking_admin(uow, actor, demand):
        return
    await require_visible_demand(uow, actor, demand.id)
    raise Forbidden("只有对接人员或对接分中心的管理员可以修改对接中的需求")
