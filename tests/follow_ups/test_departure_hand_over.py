"""A staff member who leaves hands their open demands to the successor the centre admin names (seed 004 §一.3);
without a successor the departure is refused and nothing changes."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import InvalidInput
from handlers.staff.record_staff_departure import RecordStaffDeparture, record_staff_departure
from store.models.organisation import StaffMember
from tests.demands.conftest import demand_of, timeline
from tests.follow_ups.conftest import Docking, beijing
from tests.organisation.conftest import refused


async def test_a_leavers_open_demands_go_to_the_successor(docking: Docking) -> None:
    bench = docking.bench
    draft = await bench.submit(draft=True)
    async with bench.container.sessionmaker() as s:
        leaver = await s.scalar(select(StaffMember.id).where(StaffMember.account_id == bench.staff_id))
    assert leaver is not None

    await refused(
        bench.container,
        record_staff_departure(RecordStaffDeparture(docking.centre_admin_id, leaver, None), bench.org.uow),
        InvalidInput,
        "successor_required",
    )

    docking.clock.set(beijing(2025, 10, 9, 10))
    await record_staff_departure(
        RecordStaffDeparture(docking.centre_admin_id, leaver, docking.other_staff_member_id, "调往总部"), bench.org.uow
    )
    for demand_id in (docking.demand_id, draft.demand_id):
        demand = await demand_of(bench.container, demand_id)
        assert demand.staff_account_id == docking.other_staff_id
        assert (await timeline(bench.container, demand_id))[-1][0] == "change_staff"
    # The successor's silence starts at the hand-over: no reminder for the leaver's quiet days.
    await docking.run_job(beijing(2025, 10, 13, 10))
    assert not await docking.notices("dt-li")
