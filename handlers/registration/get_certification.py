"""The caller's own unit certification (the page's status line and form), or None before the first submission."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.registration.certification import CertificationView, certification_of, latest_review, view_of
from store.uow import UnitOfWork


@dataclass(frozen=True)
class GetCertification:
    actor_id: int


async def get_certification(cmd: GetCertification, uow: UnitOfWork) -> CertificationView | None:
    async with uow:
        cert = await certification_of(uow, cmd.actor_id)
        if cert is None:
            return None
        return view_of(cert, await latest_review(uow, cert.id))
