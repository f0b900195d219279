"""Which of the docking work on a demand the reader may open now — 跟进记录, 推送专家, 项目登记, 公开需求, 变更对接人员,
项目信息, 中介费凭证 — by the state machine and the right each of those use cases checks, so the detail page offers
exactly these (the sibling of allowed_changes, which lists the demand's own changes). The use cases still decide."""

from __future__ import annotations

from handlers.demands.access import manages
from handlers.demands.states import Step, allowed
from handlers.expert_push.access import may_push
from handlers.follow_ups.access import is_docking_admin
from handlers.follow_ups.list_follow_ups import READERS
from handlers.organisation.actors import Actor
from handlers.projects.access import is_project_writer
from handlers.projects.views import SEES as SEES_PROJECTS
from store.models.demands import Demand, DemandStatus
from store.models.organisation import Role
from store.uow import UnitOfWork

FOLLOW_UPS, PUSH_EXPERTS, REGISTER_PROJECT = "follow_ups", "push_experts", "register_project"
PUBLISH, CHANGE_STAFF, PROJECT, FEE_PROOF = "publish", "change_staff", "project", "fee_proof"


def _has(actor: Actor, roles: frozenset[Role]) -> bool:
    return any(g.role in roles for g in actor.grants)


async def allowed_actions(uow: UnitOfWork, actor: Actor, demand: Demand) -> tuple[str, ...]:
    status = DemandStatus(demand.status)
    found: list[str] = []
    # list_demand_follow_ups: its readers, while the demand is being docked (add_demand_follow_up's states).
    if allowed(Step.FOLLOW_UP, status) and (actor.has(Role.SYSTEM_ADMIN) or _has(actor, READERS)):
        found.append(FOLLOW_UPS)
    if allowed(Step.PUSH_EXPERTS, status) and may_push(actor, demand):  # push_experts
        found.append(PUSH_EXPERTS)
    writer = await is_project_writer(uow, actor, demand)
    if allowed(Step.COMPLETE, status) and writer:  # register_project
        found.append(REGISTER_PROJECT)
    if allowed(Step.PUBLISH, status) and manages(actor, demand):  # publish_demand
        found.append(PUBLISH)
    if allowed(Step.CHANGE_STAFF, status) and await is_docking_admin(uow, actor, demand):  # change_docking_staff
        found.append(CHANGE_STAFF)
    if status == DemandStatus.COMPLETED and _has(actor, SEES_PROJECTS):  # get_project: registered once completed
        found.append(PROJECT)
    if allowed(Step.RECORD_FEE_PROOF, status) and writer:  # record_fee_proof
        found.append(FEE_PROOF)
    return tuple(found)
