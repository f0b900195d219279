"""Demand settings the use cases need, passed in by the composition root."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo


@dataclass(frozen=True)
class DemandPolicy:
    """Built from Settings.demands by bot.bootstrap (the defaults live there); no field has a default here."""

    fee_floor_bp: int  # the platform's floor for any fee ratio (seed 004 §一.1: 5 %)
    detail_page: str  # the micro-app's demand page; the demand id is appended
    # Enterprise contacts hear of approval, docking and completion by SMS: ${title} (≤35 characters), ${status}.
    sms_template: str
    timezone: str  # the business day a signing or payment date is checked against

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def link(self, demand_id: int) -> str:
        return f"{self.detail_page}{demand_id}" if self.detail_page else ""
