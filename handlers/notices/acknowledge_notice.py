"""A person confirms they received a notice (the 「确认收到」 card button)."""

from __future__ import annotations

from dataclasses import dataclass

from store.transaction import Transaction


@dataclass(frozen=True)
class AcknowledgeNotice:
    notice_id: str
    user_id: str
    user_name: str
    out_track_id: str


async def acknowledge_notice(cmd: AcknowledgeNotice, tx: Transaction) -> None:
    """Runs inside the caller's open unit of work, which also records the press's dedupe key."""
    tx.record(
        "notice",
        cmd.notice_id,
        "acknowledged",
        actor=cmd.user_id,
        data={"out_track_id": cmd.out_track_id, "by": cmd.user_name},
    )
