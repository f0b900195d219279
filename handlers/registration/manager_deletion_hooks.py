"""The platform's decision on deleting an approved technology manager: approval unbinds the manager from the
institution (the record stays, as an individual registration, and the institution's role ends); a rejection or
a return keeps the binding."""

from __future__ import annotations

from sqlalchemy import delete

from handlers.registration.manager_chains import MANAGER_SUBJECT
from handlers.registration.manager_record import tell_manager
from handlers.registration.manager_review_hooks import locked_record, manager_seen_by
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.subjects import Decider
from store.models.demands import Review
from store.models.organisation import AccountRole, Role
from store.transaction import Transaction


class ManagerDeletionHooks:
    def __init__(self, policy: RegistrationPolicy) -> None:
        self.policy = policy

    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        return await manager_seen_by(uow, review, account_id)

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None:
        record = await locked_record(uow, review)
        institution_id = record.institution_id
        if institution_id is not None:
            await uow.session.execute(
                delete(AccountRole).where(
                    AccountRole.account_id == record.account_id,
                    AccountRole.role == Role.TECHNOLOGY_MANAGER,
                    AccountRole.institution_id == institution_id,
                )
            )
        record.institution_id = None
        record.deletion_requested_at = None
        record.updated_at = uow.clock.now()
        await uow.session.flush()
        uow.record(MANAGER_SUBJECT, record.id, "unbound", actor=by.label, data={"institution_id": institution_id})
        await tell_manager(uow, self.policy, record, "已与所在机构解除绑定", "")

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._kept(uow, review, by, reason)

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._kept(uow, review, by, reason)

    async def _kept(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        record = await locked_record(uow, review)
        record.deletion_requested_at = None
        record.updated_at = uow.clock.now()
        await uow.session.flush()
        uow.record(MANAGER_SUBJECT, record.id, "deletion_refused", actor=by.label, data={"reason": reason})
