"""The institution deletes one of its technology managers (seed 000 一.7(3)): one not yet approved is removed at
once (a pending review is withdrawn); an approved one needs the platform's approval, which unbinds them."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict
from handlers.registration.manager_access import require_manager_institution
from handlers.registration.manager_chains import DELETION_CHAIN, MANAGER_DELETION_SUBJECT, MANAGER_SUBJECT
from handlers.registration.manager_record import record_by_id
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.chains import CHAINS
from handlers.reviews.start_review import ReviewSubject, start_review
from handlers.reviews.withdraw_review import withdraw_review
from handlers.transactions import transact
from store.models.manager_registration import ManagerStatus
from store.models.organisation import Institution
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class DeleteManager:
    actor_id: int
    record_id: int


@dataclass(frozen=True)
class ManagerDeleted:
    deleted: bool  # removed at once
    deletion_pending: bool  # waiting for the platform


async def delete_manager(cmd: DeleteManager, uow: UnitOfWork, policy: RegistrationPolicy) -> ManagerDeleted:
    async def run(tx: Transaction) -> ManagerDeleted:
        record = await record_by_id(tx, cmd.record_id, lock=True)
        await require_manager_institution(tx, cmd.actor_id, record, policy.individual_region)
        actor = f"account:{cmd.actor_id}"
        now = tx.clock.now()
        if record.approved_at is None:
            if record.status == ManagerStatus.PENDING:
                await withdraw_review(tx, MANAGER_SUBJECT, record.id, actor=actor)
            institution_id = record.institution_id
            record.status, record.institution_id, record.updated_at = ManagerStatus.DELETED, None, now
            await tx.session.flush()
            tx.record(MANAGER_SUBJECT, record.id, "deleted", actor=actor, data={"institution_id": institution_id})
            return ManagerDeleted(True, False)
        if record.deletion_requested_at is not None:
            raise Conflict("删除申请已提交平台审核", code="manager_deletion_pending")
        if record.status == ManagerStatus.PENDING:
            raise Conflict("该技术经理人的更新正在审核中，请审核完成后再删除", code="manager_pending")
        record.deletion_requested_at = record.updated_at = now
        await tx.session.flush()
        tx.record(MANAGER_SUBJECT, record.id, "deletion_requested", actor=actor)
        institution = await tx.session.get(Institution, record.institution_id) if record.institution_id else None
        await start_review(
            tx,
            CHAINS[DELETION_CHAIN],
            ReviewSubject(
                MANAGER_DELETION_SUBJECT,
                record.id,
                f"删除技术经理人：{record.name}",
                f"所在机构：{institution.name if institution else ''}\n审核通过后解除经理人与机构的绑定关系",
                "",
                record.institution_id,
                institution.region_code if institution else "000000",
                cmd.actor_id,
            ),
        )
        return ManagerDeleted(False, True)

    return await transact(uow, run)
