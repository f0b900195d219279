"""驳回更新: the institution returns a bound manager's approved record for editing (seed 000 一.7(2)); the
manager's resubmission then goes to the institution's 经理人驳回更新 list and through both reviews again. The
manager stays registered meanwhile."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict
from handlers.registration.manager_access import require_manager_institution
from handlers.registration.manager_chains import MANAGER_SUBJECT
from handlers.registration.manager_record import ManagerView, record_by_id, tell_manager, view_of
from handlers.registration.policy import RegistrationPolicy
from handlers.transactions import transact
from store.models.manager_registration import ManagerStatus
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ReturnManagerForUpdate:
    actor_id: int
    record_id: int
    reason: str = ""


async def return_manager_for_update(
    cmd: ReturnManagerForUpdate, uow: UnitOfWork, policy: RegistrationPolicy
) -> ManagerView:
    async def run(tx: Transaction) -> ManagerView:
        record = await record_by_id(tx, cmd.record_id, lock=True)
        await require_manager_institution(tx, cmd.actor_id, record, policy.individual_region)
        if record.status != ManagerStatus.APPROVED:
            raise Conflict("只有已登记的技术经理人可以驳回更新", code="manager_not_approved")
        if record.deletion_requested_at is not None:
            raise Conflict("删除申请正在平台审核中", code="manager_deletion_pending")
        reason = cmd.reason.strip()[:500] or None
        record.status, record.reopened, record.reason = ManagerStatus.RETURNED, True, reason
        record.updated_at = tx.clock.now()
        await tx.session.flush()
        tx.record(
            MANAGER_SUBJECT, record.id, "returned_for_update", actor=f"account:{cmd.actor_id}", data={"reason": reason}
        )
        await tell_manager(tx, policy, record, "已被所在机构驳回更新，请修改后重新提交", reason or "")
        return await view_of(tx, record)

    return await transact(uow, run)
