"""Recording follow-ups on a demand in docking, reading them, and the centre admin changing the docking staff."""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.upload_attachment import UploadDemandAttachment, upload_demand_attachment
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.follow_up_reminders.send_due_reminders import RemindersSent
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from handlers.follow_ups.change_docking_staff import ChangeDockingStaff, change_docking_staff
from handlers.follow_ups.list_follow_ups import ListDemandFollowUps, list_demand_follow_ups
from store.models.demands import DemandStatus
from store.models.follow_ups import FollowUpReminder
from tests.demands.conftest import demand_of, timeline
from tests.follow_ups.conftest import Docking, beijing
from tests.organisation.conftest import refused
from tests.policies import DEMANDS


def visit(docking: Docking, actor: int, content: str = "上门走访企业") -> AddDemandFollowUp:
    return AddDemandFollowUp(actor, docking.demand_id, "visit", beijing(2025, 10, 9, 10), content)


async def test_the_staff_member_and_the_centre_admin_record_follow_ups_seen_on_the_timeline(docking: Docking) -> None:
    docking.clock.set(beijing(2025, 10, 9, 15))
    uow = docking.bench.org
    await add_demand_follow_up(visit(docking, docking.bench.staff_id), uow.uow)
    await add_demand_follow_up(
        AddDemandFollowUp(
            docking.centre_admin_id, docking.demand_id, "phone", beijing(2025, 10, 9, 14), "电话确认进度"
        ),
        uow.uow,
    )
    steps = await timeline(docking.bench.container, docking.demand_id)
    assert steps[-2:] == [("follow_up", "docking", "张三"), ("follow_up", "docking", "王主任")]
    listed = await list_demand_follow_ups(ListDemandFollowUps(docking.bench.admin_id, docking.demand_id), uow.uow)
    assert [(f.kind, f.content, f.recorded_by) for f in listed] == [
        ("phone", "电话确认进度", "王主任"),
        ("visit", "上门走访企业", "张三"),
    ]


async def test_bad_follow_ups_are_refused_and_change_nothing(docking: Docking) -> None:
    docking.clock.set(beijing(2025, 10, 9, 9))
    c, staff = docking.bench.container, docking.bench.staff_id
    await refused(c, add_demand_follow_up(visit(docking, staff), docking.bench.org.uow), InvalidInput, "invalid_time")
    docking.clock.set(beijing(2025, 10, 9, 15))
    await refused(
        c,
        add_demand_follow_up(
            AddDemandFollowUp(staff, docking.demand_id, "email", c.clock.now(), "x"), docking.bench.org.uow
        ),
        InvalidInput,
        "invalid_follow_up_kind",
    )
    await refused(
        c, add_demand_follow_up(visit(docking, staff, "  "), docking.bench.org.uow), InvalidInput, "missing_field"
    )
    # Another staff member of the centre sees the demand but does not dock it.
    await refused(
        c, add_demand_follow_up(visit(docking, docking.other_staff_id), docking.bench.org.uow), Forbidden, "forbidden"
    )
    draft = (await docking.bench.submit(draft=True)).demand_id
    await refused(
        c,
        add_demand_follow_up(AddDemandFollowUp(staff, draft, "visit", c.clock.now(), "走访"), docking.bench.org.uow),
        Conflict,
        "illegal_transition",
    )


async def test_the_centre_admin_hands_the_demand_to_another_staff_member(docking: Docking) -> None:
    assert (await docking.run_job(beijing(2025, 10, 13, 9, 5))).reminded == 1
    docking.clock.set(beijing(2025, 10, 14, 10))
    cmd = ChangeDockingStaff(docking.centre_admin_id, docking.demand_id, docking.other_staff_member_id)
    changed = await change_docking_staff(cmd, docking.bench.org.uow, DEMANDS)
    assert changed.staff_account_id == docking.other_staff_id
    demand = await demand_of(docking.bench.container, docking.demand_id)
    assert demand.staff_account_id == docking.other_staff_id and demand.status == DemandStatus.DOCKING
    assert (await timeline(docking.bench.container, docking.demand_id))[-1] == ("change_staff", "docking", "王主任")
    [notice] = await docking.notices("dt-li")
    assert "您已被指定为需求「高精度MEMS压力传感器封装工艺改进」的对接人员" in notice.payload["msg"]["text"]["content"]
    async with docking.bench.container.sessionmaker() as session:
        row = await session.scalar(select(FollowUpReminder).where(FollowUpReminder.demand_id == docking.demand_id))
    assert row is not None and row.reminded_at is None and row.anchor_at == beijing(2025, 10, 14, 10)
    # No escalation for the old silence; the new staff member can now record follow-ups, the old one not.
    assert await docking.run_job(beijing(2025, 10, 16, 9, 1)) == RemindersSent(0, 0)
    assert await docking.notices("dt-boss") == []
    docking.clock.set(beijing(2025, 10, 16, 15))
    await add_demand_follow_up(visit(docking, docking.other_staff_id), docking.bench.org.uow)
    await refused(
        docking.bench.container,
        add_demand_follow_up(visit(docking, docking.bench.staff_id), docking.bench.org.uow),
        Forbidden,
        "forbidden",
    )


async def test_changing_the_docking_staff_is_refused_when_wrong(docking: Docking) -> None:
    c = docking.bench.container
    same = ChangeDockingStaff(docking.centre_admin_id, docking.demand_id, docking.centre_admin_member_id + 99)
    await refused(c, change_docking_staff(same, docking.bench.org.uow, DEMANDS), NotFound, "staff_not_found")
    by_staff = ChangeDockingStaff(docking.bench.staff_id, docking.demand_id, docking.other_staff_member_id)
    await refused(c, change_docking_staff(by_staff, docking.bench.org.uow, DEMANDS), Forbidden, "forbidden")
    by_inst_admin = ChangeDockingStaff(docking.bench.admin_id, docking.demand_id, docking.other_staff_member_id)
    await refused(c, change_docking_staff(by_inst_admin, docking.bench.org.uow, DEMANDS), Forbidden, "forbidden")
    await change_docking_staff(
        ChangeDockingStaff(docking.centre_admin_id, docking.demand_id, docking.other_staff_member_id),
        docking.bench.org.uow,
        DEMANDS,
    )
    again = ChangeDockingStaff(docking.centre_admin_id, docking.demand_id, docking.other_staff_member_id)
    await refused(c, change_docking_staff(again, docking.bench.org.uow, DEMANDS), Conflict, "same_staff")


async def test_a_follow_up_carries_the_recorders_own_uploaded_attachments(docking: Docking) -> None:
    docking.clock.set(beijing(2025, 10, 9, 15))
    c, org = docking.bench.container, docking.bench.org
    pdf = b"%PDF-1.4\n%1\n1 0 obj\n<<>>\nendobj\nstartxref\n0\n%%EOF\n"
    mine = await upload_demand_attachment(
        UploadDemandAttachment(docking.bench.staff_id, "纪要.pdf", pdf), org.uow, c.files
    )
    theirs = await upload_demand_attachment(
        UploadDemandAttachment(docking.other_staff_id, "别人的.pdf", pdf), org.uow, c.files
    )
    borrowed = AddDemandFollowUp(
        docking.bench.staff_id, docking.demand_id, "online", beijing(2025, 10, 9, 14), "线上会议", (theirs.id,)
    )
    await refused(c, add_demand_follow_up(borrowed, org.uow), NotFound, "attachment_not_found")
    await add_demand_follow_up(
        AddDemandFollowUp(
            docking.bench.staff_id, docking.demand_id, "online", beijing(2025, 10, 9, 14), "线上会议", (mine.id,)
        ),
        org.uow,
    )
    [listed] = await list_demand_follow_ups(ListDemandFollowUps(docking.centre_admin_id, docking.demand_id), org.uow)
    assert listed.attachment_ids == (mine.id,) and listed.kind == "online"
