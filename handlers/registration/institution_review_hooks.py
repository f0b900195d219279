"""What the city bureau's decision on an institution registration does: approval issues the registration number
in the approving transaction (gap-free: the counter row is bumped under its lock and rolls back with a failed
approval); a rejection or a return records the reason the applicant sees, and the form can be edited again.

A basic-information change (kind "change") issues no number: its approval writes the new values into the
approved record it changes (which keeps its number), with a `changed` entry in that record's audit chain naming
every changed field; a rejection or a return leaves the record as it was."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.registration.institution_difference import difference
from handlers.registration.institution_form import INSTITUTION_REGISTRATION
from handlers.registration.institution_registration import CHANGE, reads, tell_applicant
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
        if reg.kind == CHANGE:
            await self._apply_change(uow, reg, by)
            await self._decided(uow, reg, InstitutionRegistrationStatus.APPROVED, None, by)
            return
        # The counter counts per reviewing city (the region's first four digits).
        issued = await issue_registration_number(uow, self.policy, reg.region_code[:4] + "00")
        reg.registration_number = issued.number
        await self._decided(uow, reg, InstitutionRegistrationStatus.APPROVED, None, by)

    async def _apply_change(self, uow: Transaction, change: InstitutionRegistration, by: Decider) -> None:
        record = await uow.session.scalar(
            select(InstitutionRegistration).where(InstitutionRegistration.id == change.changes_id).with_for_update()
        )
        if record is None:
            raise Conflict("未找到变更的机构登记", code="registration_missing")
        changes = difference(INSTITUTION_REGISTRATION, record.values, change.values)
        change.previous_values = dict(record.values)  # the difference stays readable once applied
        # The number stays the record's; the change row shows it as the number it changed.
        record.values, record.name, record.updated_at = dict(change.values), change.name, uow.clock.now()
        await uow.session.flush()
        uow.record(
            "institution_registration",
            record.id,
            "changed",
            actor=by.label,
            data={
                "change": change.id,
                "registration_number": record.registration_number,
                "fields": [c.field for c in changes],
            },
        )

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
