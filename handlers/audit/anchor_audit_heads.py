"""Anchor the heads of every chain that moved into the checkpoint chain (a periodic job)."""

from __future__ import annotations

from handlers.audit.anchors import AuditAnchors
from store.audit.anchor import Anchor
from store.audit.checkpoint import create_checkpoint
from store.uow import UnitOfWork


class AnchorNotWritten(Exception):
    """The checkpoint committed, but some places outside the database did not take its anchor."""

    def __init__(self, anchor: Anchor, failures: list[tuple[str, Exception]]) -> None:
        self.anchor, self.failures = anchor, failures
        super().__init__(
            f"checkpoint {anchor.seq} committed but not anchored in "
            + "; ".join(f"{name}: {exc}" for name, exc in failures)
        )


async def anchor_audit_heads(uow: UnitOfWork, anchors: AuditAnchors) -> Anchor | None:
    async with uow:
        anchor = await create_checkpoint(uow.session, now=uow.clock.now())
        if anchor is not None:
            for sink in anchors.sinks:
                await sink.stage(uow, anchor)
        await uow.commit()
    if anchor is not None:
        # Only after the commit, so the outside copies never name a checkpoint that was rolled back. Every sink
        # is tried; the failures are raised together afterwards (the scheduler logs them, the next checkpoint
        # goes on).
        failures: list[tuple[str, Exception]] = []
        for sink in anchors.sinks:
            try:
                await sink.write(anchor)
            except Exception as exc:  # noqa: BLE001 - one sink failing must not keep the anchor from the others
                failures.append((sink.name, exc))
        if failures:
            raise AnchorNotWritten(anchor, failures)
    return anchor
