"""需求大厅: the demands the expert sees, filtered by technical field (its whole subtree), region (a region
covers the regions below it) and keyword (title or description), latest change first, a page at a time."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Text, cast, func, select

from handlers.errors import InvalidInput
from handlers.expert_channel.access import require_expert
from handlers.expert_channel.demand_views import HallRow, hall_row
from handlers.expert_channel.visibility import visible_to_expert
from handlers.organisation.pages import Page, PageRequest
from handlers.reference.regions import Regions
from handlers.reference.tech_fields import TechFields
from store.models.demands import Demand
from store.models.expert_pages import DockingStatus, ExpertDocking
from store.models.organisation_people import Enterprise
from store.uow import UnitOfWork

KEYWORD_MAX = 50


@dataclass(frozen=True)
class ListHall:
    actor_id: int
    page: PageRequest = PageRequest()
    field_code: str | None = None
    region_code: str | None = None
    keyword: str | None = None


def _filters(cmd: ListHall) -> list[ColumnElement[bool]]:
    where: list[ColumnElement[bool]] = []
    if cmd.field_code:
        field = TechFields.load().find(cmd.field_code)
        if field is None:
            raise InvalidInput("技术领域代码无效", code="invalid_tech_field")
        # tech_fields is a JSON list of digit codes; a code's subtree is every code it prefixes, and the
        # quote before it anchors the prefix at the code's start (the same text on SQLite and PostgreSQL).
        where.append(cast(Demand.tech_fields, Text).like(f'%"{field.code}%'))
    if cmd.region_code:
        regions = Regions.load()
        if regions.find(cmd.region_code) is None:
            raise InvalidInput("请选择正确的行政区划", code="invalid_region")
        where.append(Demand.region_code.startswith(regions.scope_prefix(cmd.region_code)))
    keyword = (cmd.keyword or "").strip()
    if len(keyword) > KEYWORD_MAX:
        raise InvalidInput(f"关键词不能超过{KEYWORD_MAX}个字", code="keyword_too_long")
    if keyword:
        where.append(
            Demand.title.contains(keyword, autoescape=True) | Demand.description.contains(keyword, autoescape=True)
        )
    return where


async def list_hall(cmd: ListHall, uow: UnitOfWork) -> Page[HallRow]:
    req = cmd.page.checked()
    filters = _filters(cmd)
    async with uow:
        expert = await require_expert(uow, cmd.actor_id)
        where = [visible_to_expert(expert.id), *filters]
        total = await uow.session.scalar(select(func.count()).select_from(Demand).where(*where))
        rows = (
            await uow.session.execute(
                select(Demand, Enterprise.name)
                .join(Enterprise, Enterprise.id == Demand.enterprise_id)
                .where(*where)
                .order_by(Demand.updated_at.desc(), Demand.id.desc())
                .offset(req.offset)
                .limit(req.page_size)
            )
        ).all()
        docked = set(
            await uow.session.scalars(
                select(ExpertDocking.demand_id).where(
                    ExpertDocking.expert_id == expert.id,
                    ExpertDocking.status == DockingStatus.DOCKED,
                    ExpertDocking.demand_id.in_([d.id for d, _ in rows]),
                )
            )
        )
        items = tuple(hall_row(d, name, d.id in docked) for d, name in rows)
    return Page(items, total or 0, req.page, req.page_size)
