"""The reminder job with a frozen clock over 国庆 2025: the reminder and the escalation fire once each, on the
right working day in office hours; re-runs (a restart) send nothing more; a follow-up restarts the count."""

from __future__ import annotations

from bot.bootstrap import build_container
from handlers.follow_up_reminders.send_due_reminders import RemindersSent, send_due_reminders
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from store.models.outbox import OutboxMessage
from tests.follow_ups.conftest import Docking, beijing
from tests.policies import DEMANDS


async def reminders(docking: Docking) -> list[OutboxMessage]:
    return [n for n in await docking.notices("dt-zhang") if "跟进提醒" in str(n.payload)]


async def test_docked_before_the_holiday_reminds_once_then_escalates_once(docking: Docking) -> None:
    # The holiday does not count: 9, 10 and the make-up Saturday 11 October are the three silent working days.
    assert await docking.run_job(beijing(2025, 10, 5, 12)) == RemindersSent(0, 0)
    assert await docking.run_job(beijing(2025, 10, 11, 17, 59)) == RemindersSent(0, 0)
    assert await docking.run_job(beijing(2025, 10, 13, 8, 55)) == RemindersSent(0, 0)  # before office hours
    assert await reminders(docking) == []

    assert await docking.run_job(beijing(2025, 10, 13, 9, 5)) == RemindersSent(1, 0)
    [reminder] = await reminders(docking)
    card = reminder.payload["msg"]
    text = card["markdown"]["text"] if card["msgtype"] == "markdown" else card["action_card"]["markdown"]
    assert "高精度MEMS压力传感器封装工艺改进" in text and "2025-09-30" in text and "记录跟进" in text
    # A re-run, or a restarted instance (a new container on the same database), sends nothing more.
    assert await docking.run_job(beijing(2025, 10, 13, 9, 10)) == RemindersSent(0, 0)
    restarted = await build_container(docking.bench.container.settings, clock=docking.clock)
    try:
        again = await send_due_reminders(restarted.uow, restarted.follow_up_policy, restarted.office_hours, DEMANDS)
        assert again == RemindersSent(0, 0)
    finally:
        await restarted.aclose()
    assert await docking.run_job(beijing(2025, 10, 15, 17, 59)) == RemindersSent(0, 0)
    assert await docking.notices("dt-boss") == []

    # The escalation counts two working days from the reminder's day (14, 15): due at the opening of the 16th.
    assert await docking.run_job(beijing(2025, 10, 16, 9, 1)) == RemindersSent(0, 1)
    [escalation] = await docking.notices("dt-boss")
    assert "跟进督办" in str(escalation.payload) and "张三" in str(escalation.payload)
    for later in (beijing(2025, 10, 16, 9, 30), beijing(2025, 10, 20, 10), beijing(2025, 11, 3, 10)):
        assert await docking.run_job(later) == RemindersSent(0, 0)
    assert len(await reminders(docking)) == 1
    assert len(await docking.notices("dt-boss")) == 1


async def test_a_follow_up_restarts_the_count(docking: Docking) -> None:
    assert await docking.run_job(beijing(2025, 10, 13, 9, 5)) == RemindersSent(1, 0)
    docking.clock.set(beijing(2025, 10, 14, 15))
    await add_demand_follow_up(
        AddDemandFollowUp(
            docking.bench.staff_id, docking.demand_id, "visit", beijing(2025, 10, 14, 10), "上门走访企业，确认技术指标"
        ),
        docking.bench.org.uow,
    )
    # No escalation on the 16th: the silence it belonged to has ended.
    assert await docking.run_job(beijing(2025, 10, 16, 9, 1)) == RemindersSent(0, 0)
    # 15, 16, 17 October are the new silence's three working days: reminded again on Monday 20th.
    assert await docking.run_job(beijing(2025, 10, 17, 17, 0)) == RemindersSent(0, 0)
    assert await docking.run_job(beijing(2025, 10, 20, 9, 0)) == RemindersSent(1, 0)
    assert len(await reminders(docking)) == 2
    assert await docking.notices("dt-boss") == []
