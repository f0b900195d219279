"""What the city bureau's decision on an institution registration does: approval issues the registration number
in the approving transaction (gap-free: the counter row is bumped under its lock and rolls back with a failed
approval); a rejection or a return records the reason the applicant sees, and the form can be edited again."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.registration.institution_registration import reads, tell_applicant
from handlers.registration.issue_registration_number import issue_registration_number
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.subjects import Decider
from store.models.demands import Review
from store.models.registration import InstitutionRegistration, InstitutionRegistrationStatus
from store.transaction import Transaction


class InstitutionReviewHooks:
    def __init__(self, policy: RegistrationPolicy) -> None:
        self.policy = policy

    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        reg = await uow.session.scalar(
            select(InstitutionRegistration).where(InstitutionRegistration.id == review.subject_id)
        )
        return reg is not None and reads(await load_actor(uow, account_id), reg)

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None:
        reg = await _locked(uow, review)
        # The counter counts per reviewing city (the region's first four digits).
        issued = await issue_registration_number(uow, self.policy, reg.region_code[:4] + "00")
        reg.registration_number = issued.number
        await self._decided(uow, reg, InstitutionRegistrationStatus.APPROVED, None, by)

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._decided(uow, await _locked(uow, review), InstitutionRegistrationStatus.REJECTED, reason, by)

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._decided(uow, await _locked(uow, review), InstitutionRegistrationStatus.RETURNED, reason, by)

    async def _decided(
        self,
        uow: Transaction,
        reg: InstitutionRegistration,
        status: InstitutionRegistrationStatus,
        reason: str | None,
        by: Decider,
    ) -> None:
        now = uow.clock.now()
        reg.status, reg.reason, reg.decided_at, reg.updated_at = status, reason, now, now
        await uow.session.flush()
        uow.record(
            "institution_registration",
            reg.id,
            str(status),
            actor=by.label,
            data={"registration_number": reg.registration_number, "reason": reason},
        )
        await tell_applicant(uow, self.policy, reg)


async def _locked(uow: Transaction, review: Review) -> InstitutionRegistration:
    reg = await uow.session.scalar(
        select(InstitutionRegistration).where(InstitutionRegistration.id == review.subject_id).with_for_update()
    )
    if reg is None:  # the subject outlives its reviews: never deleted
        raise Conflict("未找到该机构登记", code="registration_missing")
    return reg
