"""The institution admin edits a centre: its name and region change and are recorded; a clash, a bad region, another
institution's admin and a centre out of sight are refused, changing nothing."""

from __future__ import annotations

from sqlalchemy import select

from handlers.errors import Conflict, InvalidInput, NotFound
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.get_centre import GetCentre, get_centre
from handlers.institutions.update_centre import UpdateCentre, update_centre
from store.models.audit import AuditEntry
from tests.organisation.conftest import Org, refused

CODE_B = "12330100MB0123456R"


async def test_the_institution_admin_edits_a_centre(org: Org) -> None:
    inst, admin = await org.institution()
    _, other_admin = await org.institution("杭州市技术转移中心", CODE_B, mobile="13800000002", region="330100")
    qiantang = (await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)).centre_id
    await create_centre(CreateCentre(admin, inst, "西湖分中心", "330106"), org.uow, org.regions)

    updated = await update_centre(UpdateCentre(admin, qiantang, "钱塘新区分中心", "330106"), org.uow, org.regions)
    assert updated.changed == ("name", "region_code")
    seen = (await get_centre(GetCentre(admin, qiantang), org.uow)).centre
    assert (seen.name, seen.region_code) == ("钱塘新区分中心", "330106")
    async with org.uow as uow:
        recorded = await uow.session.scalar(
            select(AuditEntry.aggregate_id).where(AuditEntry.aggregate_type == "centre", AuditEntry.action == "updated")
        )
    assert recorded == str(qiantang)

    again = await update_centre(UpdateCentre(admin, qiantang, "钱塘新区分中心", "330106"), org.uow, org.regions)
    assert again.changed == ()

    c = org.container
    await refused(
        c,
        update_centre(UpdateCentre(admin, qiantang, "西湖分中心", "330106"), org.uow, org.regions),
        Conflict,
        "centre_exists",
    )
    await refused(
        c,
        update_centre(UpdateCentre(admin, qiantang, "钱塘分中心", "339999"), org.uow, org.regions),
        InvalidInput,
        "invalid_region",
    )
    await refused(
        c,
        update_centre(UpdateCentre(admin, qiantang, "", "330106"), org.uow, org.regions),
        InvalidInput,
        "missing_field",
    )
    await refused(
        c,
        update_centre(UpdateCentre(other_admin, qiantang, "越权分中心", "330106"), org.uow, org.regions),
        NotFound,
        "not_found",
    )
    await refused(
        c,
        update_centre(UpdateCentre(admin, 999_999, "不存在", "330106"), org.uow, org.regions),
        NotFound,
        "not_found",
    )
    seen = (await get_centre(GetCentre(admin, qiantang), org.uow)).centre
    assert (seen.name, seen.region_code) == ("钱塘新区分中心", "330106")
