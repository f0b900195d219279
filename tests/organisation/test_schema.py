"""The 0004 migration matches the models, goes down and up again; erasing a person keeps chains verifiable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select
from sqlalchemy.engine import Connection

from handlers.audit.erase_personal_data import ErasePersonalData, erase_personal_data
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.organisation.people import subject_of
from handlers.staff.add_staff import AddStaff, add_staff
from store.base import Base
from store.db import create_engine
from store.migrate import alembic_config, upgrade
from store.models.audit import AuditPersonalField
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

ORGANISATION_TABLES = {
    "accounts",
    "account_roles",
    "institutions",
    "centres",
    "staff_members",
    "officials",
    "experts",
    "expert_research_results",
    "expert_technical_solutions",
    "expert_links",
    "expert_follow_ups",
    "enterprises",
    "enterprise_links",
    "enterprise_contacts",
}


def _diff(sync: Connection) -> list[Any]:
    diff: list[Any] = compare_metadata(MigrationContext.configure(sync), Base.metadata)
    return diff


def _tables(sync: Connection) -> set[str]:
    return set(inspect(sync).get_table_names())


async def test_migration_matches_models_and_round_trips(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'schema.db'}")
    try:
        await upgrade(engine)
        async with engine.connect() as conn:
            diff = await conn.run_sync(_diff)
            assert await conn.run_sync(_tables) >= ORGANISATION_TABLES
        assert diff == []
        async with engine.begin() as conn:
            await conn.run_sync(lambda sync: command.downgrade(alembic_config(sync), "0003_wechat"))
        async with engine.connect() as conn:
            assert not ORGANISATION_TABLES & await conn.run_sync(_tables)
        await upgrade(engine)
        async with engine.connect() as conn:
            assert await conn.run_sync(_tables) >= ORGANISATION_TABLES
    finally:
        await engine.dispose()


async def test_erasing_a_staff_member_keeps_the_chains_verifiable(org: Org) -> None:
    inst, admin = await org.institution()
    centre = await create_centre(CreateCentre(admin, inst, "钱塘分中心", "330114"), org.uow, org.regions)
    staff = await add_staff(
        AddStaff(admin, centre.centre_id, "王技转", "13600000001", "经纪人"), org.uow, membership=MEMBERSHIP
    )
    erased = await erase_personal_data(ErasePersonalData(subject_of(staff.account_id), "account:1"), org.uow)
    assert erased == 2  # name and mobile
    async with org.container.sessionmaker() as s:
        values = set(await s.scalars(select(AuditPersonalField.value)))
        assert "王技转" not in values and "13600000001" not in values
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings
