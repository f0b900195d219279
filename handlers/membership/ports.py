"""What the membership use cases' adapters ask DingTalk."""

from __future__ import annotations

from typing import Protocol

from handlers.membership.apply_membership_event import MemberFacts


class MemberDirectory(Protocol):
    async def member(self, userid: str) -> MemberFacts | None:
        """The member's mobile and activation, or None when DingTalk no longer knows them."""
        ...
