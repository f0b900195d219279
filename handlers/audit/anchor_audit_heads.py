"""Anchor the heads of every chain that moved into the checkpoint chain (a periodic job)."""

from __future__ import annotations

from handlers.audit.anchors import AuditAnchors
from store.audit.anchor import Anchor
from store.audit.checkpoint import create_checkpoint
from store.uow import UnitOfWork


async def anchor_audit_heads(uow: UnitOfWork, anchors: AuditAnchors) -> Anchor | None:
    async with uow:
        anchor = await create_checkpoint(uow.session, now=uow.clock.now())
        if anchor is not None:
            for sink in anchors.sinks:
                await sink.stage(uow, anchor)
        await uow.commit()
    if anchor is not None:
        # Only after the commit, so the outside copies never name a checkpoint that was rolled back. Every sink
        # is tried; the first failure is raised afterwards (the scheduler logs it, the next checkpoint goes on).
        failure: Exception | None = None
        for sink in anchors.sinks:
            try:
                await sink.write(anchor)
            except Exception as exc:  # noqa: BLE001 - one sink failing must not keep the anchor from the others
                failure = failure or exc
        if failure is not None:
            raise failure
    return anchor
