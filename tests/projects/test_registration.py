"""对接成功项目登记: the demand completes, the docking staff member earns 5 points, the enterprise hears of it."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from handlers.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound, UnsupportedFileType
from handlers.points.rebuild_points import RebuildPoints, rebuild_points
from handlers.projects.get_project import GetProject, get_project
from handlers.projects.register_project import RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from store.models.demands import DemandStatus
from store.models.files import StoredFile
from store.models.outbox import OutboxMessage
from tests.demands.conftest import CONTACT_MOBILE, demand_of, outbox, timeline
from tests.follow_ups.conftest import Docking
from tests.organisation.conftest import refused
from tests.policies import DEMANDS
from tests.projects.conftest import FIELDS, fields_for, points_of, register, upload


async def test_registration_completes_the_demand_and_adds_five_points(docking: Docking) -> None:
    c, staff = docking.bench.container, docking.bench.staff_id
    before = (await points_of(docking)).get(staff, 0)
    done = await register(docking)
    assert (done.points, done.credited_account_id) == (5, staff)
    assert done.expected_fee_fen == 2_400_000  # 8 % of 300 000.00 yuan
    assert (await demand_of(c, docking.demand_id)).status == DemandStatus.COMPLETED
    assert (await timeline(c, docking.demand_id))[-1] == ("complete", "completed", "张三")
    assert (await points_of(docking))[staff] == before + 5
    sms: list[OutboxMessage] = await outbox(c, "sms", CONTACT_MOBILE)
    assert sms[-1].payload["params"]["status"] == "已完成"
    shown = await get_project(GetProject(docking.bench.admin_id, docking.demand_id), docking.bench.org.uow)
    assert (shown.name, shown.category_label, shown.members, shown.fee_ratio_bp) == (
        FIELDS.name,
        "技术开发",
        ("王工", "赵博士"),
        800,
    )
    totals = await points_of(docking)
    await rebuild_points(RebuildPoints(), docking.bench.org.uow)
    assert await points_of(docking) == totals


async def test_an_admin_registers_for_the_docking_staff_member_who_is_credited(docking: Docking) -> None:
    done = await register(docking, docking.centre_admin_id)
    assert done.credited_account_id == docking.bench.staff_id
    assert (await points_of(docking)).get(docking.centre_admin_id, 0) == 0
    assert (await timeline(docking.bench.container, docking.demand_id))[-1] == ("complete", "completed", "王主任")


async def test_a_second_registration_is_refused_and_changes_nothing(docking: Docking) -> None:
    await register(docking)
    cmd = RegisterProject(docking.bench.staff_id, docking.demand_id, await fields_for(docking, docking.bench.staff_id))
    await refused(
        docking.bench.container, register_project(cmd, docking.bench.org.uow, DEMANDS), Conflict, "already_registered"
    )


async def test_a_demand_not_in_docking_cannot_be_registered(docking: Docking) -> None:
    staff = docking.bench.staff_id
    draft = (await docking.bench.submit(draft=True)).demand_id
    cmd = RegisterProject(staff, draft, await fields_for(docking, staff))
    await refused(
        docking.bench.container, register_project(cmd, docking.bench.org.uow, DEMANDS), Conflict, "illegal_transition"
    )


async def test_bad_fields_and_wrong_people_are_refused_and_change_nothing(docking: Docking) -> None:
    c, staff, uow = docking.bench.container, docking.bench.staff_id, docking.bench.org.uow
    cases: list[tuple[dict[str, Any], type[DomainError], str]] = [
        ({"name": " "}, InvalidInput, "missing_field"),
        ({"category": "gift"}, InvalidInput, "invalid_category"),
        ({"amount_fen": 0}, InvalidInput, "invalid_amount"),
        ({"amount_fen": -5}, InvalidInput, "invalid_amount"),
        ({"signed_on": date(2025, 10, 1)}, InvalidInput, "invalid_date"),  # after today (30 September)
        ({"leader": ""}, InvalidInput, "missing_field"),
        ({"members": tuple(f"成员{i}" for i in range(51))}, InvalidInput, "too_many_members"),
        ({"undertaking_unit": "单" * 101}, InvalidInput, "field_too_long"),
        ({"entity_type": "person"}, InvalidInput, "invalid_entity_type"),
        ({"cooperation_mode": ""}, InvalidInput, "invalid_cooperation_mode"),
    ]
    for changes, error, code in cases:
        cmd = RegisterProject(staff, docking.demand_id, await fields_for(docking, staff, **changes))
        await refused(c, register_project(cmd, uow, DEMANDS), error, code)
    # Another person's upload cannot be borrowed as the contract.
    borrowed = await fields_for(docking, docking.centre_admin_id)
    await refused(
        c,
        register_project(RegisterProject(staff, docking.demand_id, borrowed), uow, DEMANDS),
        NotFound,
        "file_not_found",
    )
    # Another staff member of the centre sees the demand but does not dock it.
    mine = await fields_for(docking, docking.other_staff_id)
    await refused(
        c,
        register_project(RegisterProject(docking.other_staff_id, docking.demand_id, mine), uow, DEMANDS),
        Forbidden,
        "forbidden",
    )
    assert (await demand_of(c, docking.demand_id)).status == DemandStatus.DOCKING


async def test_another_institution_learns_nothing(docking: Docking) -> None:
    c, uow = docking.bench.container, docking.bench.org.uow
    _, stranger = await docking.bench.org.institution(
        "宁波大学技术转移中心", "12330200470003281U", mobile="13800000031"
    )
    cmd = RegisterProject(stranger, docking.demand_id, await fields_for(docking, stranger))
    await refused(c, register_project(cmd, uow, DEMANDS), NotFound, "not_found")
    await register(docking)
    await refused(c, get_project(GetProject(stranger, docking.demand_id), uow), NotFound, "not_found")


async def test_the_contract_is_checked_by_its_content(docking: Docking) -> None:
    c, uow = docking.bench.container, docking.bench.org.uow
    fake = UploadProjectFile(docking.bench.staff_id, "合同.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    await refused(c, upload_project_file(fake, uow, c.files), UnsupportedFileType, "unsupported_file_type")
    stored_id = await upload(docking, docking.bench.staff_id)
    async with c.sessionmaker() as session:
        kind = await session.scalar(select(StoredFile.kind).where(StoredFile.id == stored_id))
    assert kind == "pdf"
