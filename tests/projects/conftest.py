"""A demand in docking (tests/follow_ups) with helpers to upload project files and register its project."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from sqlalchemy import func, select

from handlers.projects.fields import ProjectFields
from handlers.projects.register_project import ProjectRegistered, RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from sandbox.documents import make_pdf
from store.models.points import PointEntry
from tests.follow_ups.conftest import Docking, docking  # noqa: F401
from tests.organisation.conftest import org, regions, registry  # noqa: F401
from tests.policies import DEMANDS

FIELDS = ProjectFields(
    name="MEMS压力传感器封装工艺联合开发",
    category="development",
    amount_fen=30_000_000,
    signed_on=date(2025, 9, 28),
    leader="刘教授",
    members=("王工", "赵博士"),
    undertaking_unit="浙江大学",
    entity_type="university",
    cooperation_mode="commissioned",
    contract_file_id=0,
)


async def upload(d: Docking, actor: int, text: str = "contract") -> int:
    stored = await upload_project_file(
        UploadProjectFile(actor, "合同.pdf", make_pdf(text)), d.bench.org.uow, d.bench.container.files
    )
    return stored.id


async def fields_for(d: Docking, actor: int, **changes: Any) -> ProjectFields:
    return replace(FIELDS, contract_file_id=await upload(d, actor), **changes)


async def register(d: Docking, actor: int | None = None, **changes: Any) -> ProjectRegistered:
    actor = d.bench.staff_id if actor is None else actor
    cmd = RegisterProject(actor, d.demand_id, await fields_for(d, actor, **changes))
    return await register_project(cmd, d.bench.org.uow, DEMANDS)


async def points_of(d: Docking) -> dict[int, int]:
    async with d.bench.container.sessionmaker() as session:
        rows = await session.execute(
            select(PointEntry.account_id, func.sum(PointEntry.points)).group_by(PointEntry.account_id)
        )
        return {account: int(total) for account, total in rows}
