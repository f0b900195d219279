"""Who registers a project and records its fee proof: the docking staff member, or an admin of the docking side
acting for them — the docking centre's admin, and the demand's institution admin or, once another institution
accepted its publication, that institution's admin (the publisher then only reads). The predicates are the
follow-up writers'."""

from __future__ import annotations

from sqlalchemy import select

from handlers.demands.access import manages
from handlers.demands.scope import require_demand_in_scope
from handlers.errors import Forbidden, NotFound
from handlers.follow_ups.access import accepting_institution_id, is_docking_admin, is_docking_staff
from handlers.organisation.actors import Actor
from store.models.demands import Demand
from store.models.files import StoredFile
from store.uow import UnitOfWork

PROJECT_FILE_PURPOSE = "project_file"


async def is_project_writer(uow: UnitOfWork, actor: Actor, demand: Demand) -> bool:
    if is_docking_staff(actor, demand) or await is_docking_admin(uow, actor, demand):
        return True
    return manages(actor, demand) and await accepting_institution_id(uow, demand) is None


async def require_project_writer(uow: UnitOfWork, actor: Actor, demand: Demand) -> None:
    """Authority before existence: someone outside the demand's scope learns nothing (404)."""
    if await is_project_writer(uow, actor, demand):
        return
    await require_demand_in_scope(uow, actor, demand.id)
    raise Forbidden("只有对接人员或其所在机构、分中心的管理员可以登记项目")


async def own_project_file(uow: UnitOfWork, file_id: int, actor: Actor, label: str) -> StoredFile:
    """A file stored for projects (type checked by content) by this actor; another person's upload is not found,
    so ids cannot be borrowed."""
    found = await uow.session.scalar(
        select(StoredFile).where(
            StoredFile.id == file_id, StoredFile.purpose == PROJECT_FILE_PURPOSE, StoredFile.uploaded_by == actor.label
        )
    )
    if found is None:
        raise NotFound(f"未找到{label}文件，请先上传", code="file_not_found")
    return found
