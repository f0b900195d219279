"""A demand in docking (approved on 30 September 2025, before 国庆), its staff member 张三 and centre admin 王主任."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from handlers.clock import ManualClock
from handlers.follow_up_reminders.send_due_reminders import RemindersSent, send_due_reminders
from handlers.reviews.decide_review import DecideReview, Decision, decide_review
from handlers.staff.add_staff import AddStaff, add_staff
from store.models.outbox import OutboxMessage
from tests.demands.conftest import Bench, bind, build_bench, outbox, reviews_of
from tests.organisation.conftest import Org, org, regions, registry  # noqa: F401
from tests.policies import DEMANDS, MEMBERSHIP, SUBJECTS

SHANGHAI = ZoneInfo("Asia/Shanghai")


def beijing(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


@dataclass
class Docking:
    bench: Bench
    clock: ManualClock
    demand_id: int
    centre_admin_id: int
    centre_admin_member_id: int
    other_staff_id: int
    other_staff_member_id: int

    async def run_job(self, at: datetime) -> RemindersSent:
        self.clock.set(at)
        container = self.bench.container
        return await send_due_reminders(container.uow, container.follow_up_policy, container.office_hours, DEMANDS)

    async def notices(self, userid: str) -> list[OutboxMessage]:
        return await outbox(self.bench.container, "dingtalk.work_notice", userid)


@pytest.fixture
async def docking(org: Org, clock: ManualClock) -> Docking:  # noqa: F811
    clock.set(beijing(2025, 9, 29, 10))
    bench = await build_bench(org)
    await bind(bench.container, bench.admin_id, "dt-admin")
    await bind(bench.container, bench.staff_id, "dt-zhang")
    boss = await add_staff(
        AddStaff(bench.admin_id, bench.centre_id, "王主任", "13800000006", "主任", True), org.uow, membership=MEMBERSHIP
    )
    other = await add_staff(
        AddStaff(bench.admin_id, bench.centre_id, "李四", "13800000007", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    await bind(bench.container, boss.account_id, "dt-boss")
    await bind(bench.container, other.account_id, "dt-li")
    submitted = await bench.submit()
    [review] = await reviews_of(bench.container, submitted.demand_id)
    clock.set(beijing(2025, 9, 30, 10))  # the last working day before 国庆 + 中秋 (1–8 October 2025)
    async with org.uow as uow:
        await decide_review(DecideReview(review.id, 0, Decision.APPROVE, userid="dt-admin"), uow, subjects=SUBJECTS)
        await uow.commit()
    return Docking(
        bench,
        clock,
        submitted.demand_id,
        boss.account_id,
        boss.staff_member_id,
        other.account_id,
        other.staff_member_id,
    )
