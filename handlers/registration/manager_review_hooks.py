"""What the final decision on a technology-manager registration does (the institution's stage only advances):
the city's approval registers the manager (a bound one gets the technology-manager role in the institution); a
rejection or a return leaves the record for the manager to edit and resubmit."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.organisation.people import grant_role
from handlers.registration.manager_chains import MANAGER_SUBJECT
from handlers.registration.manager_record import tell_manager
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.subjects import Decider
from store.models.demands import Review
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.models.organisation import AccountRole, Role
from store.transaction import Transaction


async def manager_seen_by(uow: Transaction, review: Review, account_id: int) -> bool:
    """The manager, the platform, the bound institution's admins and the officials."""
    if review.submitter_account_id == account_id:
        return True
    actor = await load_actor(uow, account_id)
    if actor.has(Role.SYSTEM_ADMIN) or actor.has(Role.OFFICIAL):
        return True
    return review.institution_id is not None and review.institution_id in actor.institutions(Role.INSTITUTION_ADMIN)


async def locked_record(uow: Transaction, review: Review) -> TechnologyManagerRegistration:
    record = await uow.session.scalar(
        select(TechnologyManagerRegistration)
        .where(TechnologyManagerRegistration.id == review.subject_id)
        .with_for_update()
    )
    if record is None or record.status == ManagerStatus.DELETED:
        raise Conflict("该技术经理人已删除", code="manager_missing")
    return record


class ManagerReviewHooks:
    def __init__(self, policy: RegistrationPolicy) -> None:
        self.policy = policy

    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        return await manager_seen_by(uow, review, account_id)

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None:
        record = await locked_record(uow, review)
        record.approved_at = uow.clock.now()
        record.reopened = False
        if record.institution_id is not None:
            held = await uow.session.scalar(
                select(AccountRole.id).where(
                    AccountRole.account_id == record.account_id,
                    AccountRole.role == Role.TECHNOLOGY_MANAGER,
                    AccountRole.institution_id == record.institution_id,
                )
            )
            if held is None:
                await grant_role(
                    uow, record.account_id, Role.TECHNOLOGY_MANAGER, by.label, institution_id=record.institution_id
                )
        await self._decided(uow, record, ManagerStatus.APPROVED, None, by, "已通过审核")

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._decided(uow, await locked_record(uow, review), ManagerStatus.REJECTED, reason, by, "未通过审核")

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        record = await locked_record(uow, review)
        await self._decided(uow, record, ManagerStatus.RETURNED, reason, by, "需修改后重新提交")

    async def _decided(
        self,
        uow: Transaction,
        record: TechnologyManagerRegistration,
        status: ManagerStatus,
        reason: str | None,
        by: Decider,
        what: str,
    ) -> None:
        record.status, record.reason, record.updated_at = status, reason, uow.clock.now()
        await uow.session.flush()
        uow.record(MANAGER_SUBJECT, record.id, str(status), actor=by.label, data={"reason": reason})
        await tell_manager(uow, self.policy, record, what, reason or "")
