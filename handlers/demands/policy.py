"""Demand settings the use cases need, passed in by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DemandPolicy:
    fee_floor_bp: int = 500  # the platform's floor for any fee ratio: 5 % (seed 004 §一.1)
    detail_page: str = ""  # the micro-app's demand page; the demand id is appended
    # Enterprise contacts hear of approval, docking and completion by SMS: ${title} (≤35 characters), ${status}.
    sms_template: str = "SMS_DEMAND_STATUS"
    timezone: str = "Asia/Shanghai"  # the business day a signing or payment date is checked against

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def link(self, demand_id: int) -> str:
        return f"{self.detail_page}{demand_id}" if self.detail_page else ""


DEFAULT_POLICY = DemandPolicy()
