"""What the platform's decision on a unit certification does: approval certifies the submitted identity (the
credit code is fixed from then on); a rejection or a return keeps any earlier certified identity as it was."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.registration.certification import tell_applicant
from handlers.registration.policy import RegistrationPolicy
from handlers.reviews.subjects import Decider
from store.models.demands import Review
from store.models.organisation import Role
from store.models.registration import CertificationStatus, UnitCertification
from store.transaction import Transaction

CODE_CERTIFIED_ELSEWHERE = "该统一社会信用代码已由其他账号完成单位认证"


class CertificationReviewHooks:
    def __init__(self, policy: RegistrationPolicy) -> None:
        self.policy = policy

    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        if review.submitter_account_id == account_id:
            return True
        return (await load_actor(uow, account_id)).has(Role.SYSTEM_ADMIN)

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None:
        cert = await _locked(uow, review)
        # Two accounts may apply with one code; the first certified keeps it (the unique column agrees).
        other = await uow.session.scalar(
            select(UnitCertification.id).where(
                UnitCertification.certified_code == cert.credit_code, UnitCertification.id != cert.id
            )
        )
        if other is not None:
            raise Conflict(CODE_CERTIFIED_ELSEWHERE, code="credit_code_certified")
        now = uow.clock.now()
        cert.certified_code = cert.credit_code
        cert.certified_name = cert.name
        cert.certified_legal_representative = cert.legal_representative
        cert.certified_at = now
        await self._decided(uow, cert, CertificationStatus.CERTIFIED, None, by)

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._decided(uow, await _locked(uow, review), CertificationStatus.REJECTED, reason, by)

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None:
        await self._decided(uow, await _locked(uow, review), CertificationStatus.RETURNED, reason, by)

    async def _decided(
        self, uow: Transaction, cert: UnitCertification, status: CertificationStatus, reason: str | None, by: Decider
    ) -> None:
        cert.status = status
        cert.reason = reason
        cert.updated_at = uow.clock.now()
        await uow.session.flush()
        uow.record(
            "unit_certification",
            cert.id,
            str(status),
            actor=by.label,
            data={"credit_code": cert.credit_code, "reason": reason},
        )
        await tell_applicant(uow, self.policy, cert, reason or "")


async def _locked(uow: Transaction, review: Review) -> UnitCertification:
    cert = await uow.session.scalar(
        select(UnitCertification).where(UnitCertification.id == review.subject_id).with_for_update()
    )
    if cert is None:  # the subject outlives its reviews: never deleted
        raise Conflict("未找到该单位认证", code="certification_missing")
    return cert
