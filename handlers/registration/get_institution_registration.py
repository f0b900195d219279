"""The caller's own institution registration (the page's status, reason and form), with the certified identity
that fills the form's locked fields; no identity before the unit is certified."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.registration.certification import certification_of
from handlers.registration.institution_managers import ManagerLine, institution_managers
from handlers.registration.institution_registration import (
    LockedIdentity,
    RegistrationView,
    identity_of,
    latest_review,
    update_open,
    view_of,
)
from handlers.registration.policy import RegistrationPolicy
from store.models.registration import InstitutionRegistration
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetInstitutionRegistration:
    actor_id: int


@dataclass(frozen=True)
class MyRegistration:
    identity: LockedIdentity | None  # None: certify the unit first
    # One row per registration (the first registration; annual updates will add theirs), newest first.
    registrations: tuple[RegistrationView, ...]
    # True: saving now starts the annual update (the window is open and the latest record was approved before
    # this year); the page prefills it from the latest record.
    update_open: bool
    # The institution's technology managers now, with their status (seed 001 §一(三)); a submission keeps them.
    managers: tuple[ManagerLine, ...] = ()


async def get_institution_registration(
    cmd: GetInstitutionRegistration, uow: UnitOfWork, policy: RegistrationPolicy
) -> MyRegistration:
    today = uow.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
    async with uow:
        cert = await certification_of(uow, cmd.actor_id)
        rows = list(
            await uow.session.scalars(
                select(InstitutionRegistration)
                .where(InstitutionRegistration.account_id == cmd.actor_id)
                .order_by(InstitutionRegistration.id.desc())
            )
        )
        views = tuple([view_of(reg, await latest_review(uow, reg.id)) for reg in rows])
        opened = update_open(policy, rows[0] if rows else None, today)
        identity = identity_of(cert) if cert is not None else None
        managers = await institution_managers(uow, cmd.actor_id, identity.credit_code) if identity else []
        return MyRegistration(identity, views, opened, tuple(managers))
