"""The digest's numbers and names; bot.bootstrap.digest_policy fills them from settings (handlers read none)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time

MAX_SUBSCRIPTIONS = 5  # seed 004 §十 and issue #7: up to five fields


@dataclass(frozen=True)
class DigestPolicy:
    """The defaults live in bot.settings.DigestSettings only; no field has one here."""

    # The official account whose followers get the template message.
    app_id: str
    template_id: str
    # The mini-program page the message opens; `?digest=<id>` is appended.
    miniapp_app_id: str
    page: str
    # Crontab (minute hour day month weekday) in the service's time zone.
    cron: str
    # A run missed because the service was down is caught up at start-up until this local time, once.
    catch_up_until: time
    # Messages per business date at most (the template quota is shared with every other template message).
    daily_cap: int
    # The first digest of an expert covers open demands approved in this many days.
    first_digest_days: int
    # Experts matched per transaction.
    chunk_size: int

    def __post_init__(self) -> None:
        if self.daily_cap < 0 or self.first_digest_days < 1 or self.chunk_size < 1:
            raise ValueError("digest cap, first-digest days and chunk size must be positive")
