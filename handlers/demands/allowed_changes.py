"""Which of a demand's own changes the reader may make now — 编辑 (edit), 提交审核 (submit), 撤回 (withdraw),
关闭 (close) — by the same state machine and the same right each use case checks, so the detail page offers
exactly these buttons. The use cases still decide: a change refused meanwhile answers with its own error."""

from __future__ import annotations

from handlers.demands.access import is_owner, manages
from handlers.demands.states import Step, allowed
from handlers.demands.update_demand import DOCKING_STATES
from handlers.follow_ups.access import is_docking_admin, is_docking_staff
from handlers.organisation.actors import Actor
from store.models.demands import Demand, DemandStatus
from store.uow import UnitOfWork

EDIT, SUBMIT, WITHDRAW, CLOSE = "edit", "submit", "withdraw", "close"


async def allowed_changes(uow: UnitOfWork, actor: Actor, demand: Demand) -> tuple[str, ...]:
    status = DemandStatus(demand.status)
    owner = is_owner(actor, demand)
    found: list[str] = []
    if allowed(Step.EDIT, status):
        # update_demand: the docking side while in docking or published, the owner before that.
        if status in DOCKING_STATES:
            editor = is_docking_staff(actor, demand) or await is_docking_admin(uow, actor, demand)
        else:
            editor = owner
        if editor:
            found.append(EDIT)
    if owner and allowed(Step.SUBMIT, status):  # resubmit_demand
        found.append(SUBMIT)
    if owner and allowed(Step.WITHDRAW, status):  # withdraw_demand
        found.append(WITHDRAW)
    if (owner or manages(actor, demand)) and allowed(Step.CLOSE, status):  # close_demand
        found.append(CLOSE)
    return tuple(found)
