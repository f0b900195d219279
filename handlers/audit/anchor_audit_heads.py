"""Anchor the heads of every chain that moved into the checkpoint chain (a periodic job)."""

from __future__ import annotations

from store.audit.anchor import Anchor, AnchorStore
from store.audit.checkpoint import create_checkpoint
from store.uow import UnitOfWork


async def anchor_audit_heads(uow: UnitOfWork, anchors: AnchorStore) -> Anchor | None:
    async with uow:
        anchor = await create_checkpoint(uow.session, now=uow.clock.now())
        await uow.commit()
    if anchor is not None:
        # Only after the commit, so the outside copy never names a checkpoint that was rolled back.
        anchors.write(anchor)
    return anchor
