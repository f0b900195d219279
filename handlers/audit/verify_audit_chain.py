"""Verify every audit chain and the checkpoint chain against the anchor kept outside the database."""

from __future__ import annotations

from store.audit.anchor import AnchorStore
from store.audit.verify import VerifyReport, verify_audit
from store.uow import UnitOfWork


async def verify_audit_chain(uow: UnitOfWork, anchors: AnchorStore) -> VerifyReport:
    async with uow:
        return await verify_audit(uow.session, anchor=anchors.read())
