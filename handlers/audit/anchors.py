"""Where anchored checkpoints go outside the database: a port, and the sinks that need no network adapter.

Two independent places keep every anchored checkpoint, so that one database administrator cannot rewrite the
chains, the checkpoints and both copies of the anchor: the anchor file, and a second sink chosen in the settings
(another file, an HTTP endpoint, or a DingTalk work notice to an auditor)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from cards.audit import anchor_notice_text
from cards.outbound import text_notice
from store.audit.anchor import Anchor
from store.uow import UnitOfWork


class AnchorSink(Protocol):
    @property
    def name(self) -> str: ...

    async def stage(self, uow: UnitOfWork, anchor: Anchor) -> None:
        """Inside the checkpoint's transaction (a sink that goes through the outbox writes its message here)."""

    async def write(self, anchor: Anchor) -> None:
        """After the checkpoint's commit, so an anchor never names a checkpoint that was rolled back."""

    async def read(self) -> list[Anchor] | None:
        """Every anchor this sink kept, oldest first; None when it cannot be read back."""


@dataclass(frozen=True)
class AuditAnchors:
    sinks: tuple[AnchorSink, ...]


class WorkNoticeAnchorSink:
    """Sends each anchored checkpoint to an auditor as a DingTalk work notice, through the outbox: it leaves only
    if the checkpoint commits. The auditor's chat history is the record; verify cannot read it back."""

    def __init__(self, auditor_userid: str) -> None:
        self.auditor_userid = auditor_userid

    @property
    def name(self) -> str:
        return f"DingTalk work notice to {self.auditor_userid}"

    async def stage(self, uow: UnitOfWork, anchor: Anchor) -> None:
        text = anchor_notice_text(seq=anchor.seq, digest=anchor.hash, created_at=anchor.created_at)
        await uow.send(
            text_notice(
                self.auditor_userid, text, record=f"审计锚点 {anchor.seq}", source=f"audit_checkpoint:{anchor.seq}"
            )
        )

    async def write(self, anchor: Anchor) -> None:
        """Already in the outbox."""

    async def read(self) -> list[Anchor] | None:
        return None
