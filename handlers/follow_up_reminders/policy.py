"""The follow-up reminder numbers; bot.bootstrap.follow_up_policy fills them from settings (handlers read none)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FollowUpReminderPolicy:
    # Working days without a follow-up before the docking staff member is reminded.
    remind_after_working_days: int
    # Working days after that reminder before the centre admin is told.
    escalate_after_working_days: int

    def __post_init__(self) -> None:
        if self.remind_after_working_days < 1 or self.escalate_after_working_days < 1:
            raise ValueError("follow-up reminder periods are at least one working day")
