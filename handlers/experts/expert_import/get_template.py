"""The import template, for institution admins (the only people who import experts)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Forbidden
from handlers.experts.expert_import.template import TEMPLATE_FILENAME, build_template
from handlers.organisation.actors import load_actor
from store.models.organisation import Role
from store.uow import UnitOfWork


@dataclass(frozen=True)
class ExpertTemplate:
    filename: str
    content: bytes


async def get_expert_template(actor_id: int, uow: UnitOfWork) -> ExpertTemplate:
    async with uow:
        actor = await load_actor(uow, actor_id)
    if not actor.institutions(Role.INSTITUTION_ADMIN):
        raise Forbidden("只有法人机构管理员可以导入专家")
    return ExpertTemplate(TEMPLATE_FILENAME, build_template())
