"""The caller's own institution registration (the page's status, reason and form), with the certified identity
that fills the form's locked fields; no identity before the unit is certified."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from sqlalchemy import select

from handlers.registration.certification import certification_of
from handlers.registration.institution_change import ChangeState, change_state, rows_of
from handlers.registration.institution_managers import ManagerLine, institution_managers
from handlers.registration.institution_registration import (
    RECORD_KINDS,
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
    # One row per registration, annual update and basic-information change (kind), newest first.
    registrations: tuple[RegistrationView, ...]
    # True: saving now starts the annual update (the window is open and the latest record was approved before
    # this year); the page prefills it from the latest record.
    update_open: bool
    # Whether 申请变更基础信息 may be asked now (and why not), the record it changes and the open request.
    change: ChangeState
    # The institution's technology managers now, with their status (seed 001 §一(三)); a submission keeps them.
    managers: tuple[ManagerLine, ...] = ()
    # The annual update's window each year ("每年03-01至04-30"), shown whether open or not; None: none configured.
    update_window: str | None = None


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
        by_id = {reg.id: reg for reg in rows}
        views = tuple([view_of(reg, await latest_review(uow, reg.id), by_id.get(reg.changes_id or 0)) for reg in rows])
        records = [reg for reg in rows if reg.kind in RECORD_KINDS]
        opened = update_open(policy, records[0] if records else None, today)
        change = change_state(policy, rows_of(rows), today)
        identity = identity_of(cert) if cert is not None else None
        managers = await institution_managers(uow, cmd.actor_id, identity.credit_code) if identity else []
        window = f"每年{policy.update_opens}至{policy.update_closes}" if policy.update_opens else None
        return MyRegistration(identity, views, opened, change, tuple(managers), window)
