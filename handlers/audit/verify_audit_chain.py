"""Verify every audit chain and the checkpoint chain against the anchors kept outside the database."""

from __future__ import annotations

from handlers.audit.anchors import AuditAnchors
from store.audit.anchor import Anchor
from store.audit.verify import VerifyReport, verify_audit
from store.uow import UnitOfWork


async def verify_audit_chain(uow: UnitOfWork, anchors: AuditAnchors) -> VerifyReport:
    kept: dict[str, list[Anchor]] = {}
    unreadable: list[str] = []
    failed: list[str] = []
    for sink in anchors.sinks:
        try:
            read = await sink.read()
        except Exception as exc:  # noqa: BLE001 - an unreachable sink is reported, the others still compared
            failed.append(f"{sink.name} could not be read: {exc}")
            continue
        if read is None:
            unreadable.append(sink.name)
        else:
            kept[sink.name] = read
    async with uow:
        report = await verify_audit(uow.session, anchors=kept)
    report.unreadable = unreadable
    report.incomplete[:0] = failed
    return report
