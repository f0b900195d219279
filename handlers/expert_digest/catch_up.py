"""Whether a start-up catches up today's digest (pure).

APScheduler's memory job store forgets a misfire across a restart, so the decision comes from the runs
table: a run scheduled earlier today with no row for today is run once, if the start is before the
catch-up deadline (22:00 by default: later, a push would disturb more than it helps).
"""

from __future__ import annotations

from datetime import datetime, time
from zoneinfo import ZoneInfo


def should_catch_up(
    *, now: datetime, scheduled_today: datetime | None, until: time, timezone: ZoneInfo, ran_today: bool
) -> bool:
    """`scheduled_today`: the latest scheduled time today at or before `now`; None if none yet today."""
    if ran_today or scheduled_today is None:
        return False
    local = now.astimezone(timezone)
    return scheduled_today <= now and local.time() < until
