"""What the membership use cases need from settings: how long an invitation lasts, where the workbench is."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True)
class MembershipPolicy:
    """Built from settings by bot.bootstrap; no field has a default, so no caller gets one unknowingly."""

    invitation_days: float
    # The link the welcome card's button opens (dingtalk://dingtalkclient/action/openapp?…); "" without DingTalk.
    workbench_link: str

    @property
    def invitation_ttl(self) -> timedelta:
        return timedelta(days=self.invitation_days)
