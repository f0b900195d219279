"""What a decided review does to its subject: each subject type supplies its hooks."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from store.models.demands import Review
from store.transaction import Transaction

if TYPE_CHECKING:
    from handlers.demands.policy import DemandPolicy
    from handlers.registration.policy import RegistrationPolicy


@dataclass(frozen=True)
class Decider:
    account_id: int
    name: str

    @property
    def label(self) -> str:
        return f"account:{self.account_id}"


class SubjectHooks(Protocol):
    async def seen_by(self, uow: Transaction, review: Review, account_id: int) -> bool:
        """Whether the account sees the review's subject (its read scope): a REST caller who does not is told
        the review does not exist rather than that they are not its reviewer."""
        ...

    async def approved(self, uow: Transaction, review: Review, by: Decider) -> None: ...

    async def rejected(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None: ...

    async def returned(self, uow: Transaction, review: Review, by: Decider, reason: str) -> None: ...


def default_subjects(demand_policy: DemandPolicy, registration_policy: RegistrationPolicy) -> dict[str, SubjectHooks]:
    """What each kind of subject does on a final decision, with the configured policies."""
    # The flows depend on the engine, not the other way round.
    from handlers.demands.review_hooks import DemandReviewHooks
    from handlers.registration.chains import CERTIFICATION_SUBJECT, INSTITUTION_SUBJECT
    from handlers.registration.institution_review_hooks import InstitutionReviewHooks
    from handlers.registration.manager_chains import MANAGER_DELETION_SUBJECT, MANAGER_SUBJECT
    from handlers.registration.manager_deletion_hooks import ManagerDeletionHooks
    from handlers.registration.manager_review_hooks import ManagerReviewHooks
    from handlers.registration.review_hooks import CertificationReviewHooks

    return {
        "demand": DemandReviewHooks(demand_policy),
        CERTIFICATION_SUBJECT: CertificationReviewHooks(registration_policy),
        MANAGER_SUBJECT: ManagerReviewHooks(registration_policy),
        MANAGER_DELETION_SUBJECT: ManagerDeletionHooks(registration_policy),
        INSTITUTION_SUBJECT: InstitutionReviewHooks(registration_policy),
    }
