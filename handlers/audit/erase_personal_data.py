"""Erase a person's personal values from the audit trail (PIPL); the chain stays verifiable."""

from __future__ import annotations

from dataclasses import dataclass

from store.audit.erase import erase_subject
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ErasePersonalData:
    subject: str  # e.g. "person:42"
    requested_by: str | None = None


async def erase_personal_data(cmd: ErasePersonalData, uow: UnitOfWork) -> int:
    async with uow:
        erased = await erase_subject(uow.session, subject=cmd.subject, now=uow.clock.now())
        uow.record("subject", cmd.subject, "personal_data_erased", actor=cmd.requested_by, data={"fields": erased})
        await uow.commit()
    return erased
