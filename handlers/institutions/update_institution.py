"""The institution admin edits type, service types, minimum fee ratio, introduction and head (seed 004 §四)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from handlers.errors import NotFound
from handlers.institutions.create_institution import institution_type, service_types
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_institution_admin
from store.models.organisation import Institution
from store.uow import UnitOfWork


@dataclass(frozen=True)
class UpdateInstitution:
    """Fields left as None stay as they are."""

    actor_id: int
    institution_id: int
    type: str | None = None
    service_types: tuple[str, ...] | None = None
    min_fee_ratio_bp: int | None = None
    introduction: str | None = None
    head: str | None = None


@dataclass(frozen=True)
class InstitutionUpdated:
    institution_id: int
    changed: tuple[str, ...]


async def update_institution(cmd: UpdateInstitution, uow: UnitOfWork, *, fee_floor_bp: int) -> InstitutionUpdated:
    wanted: dict[str, Any] = {}
    if cmd.type is not None:
        wanted["type"] = institution_type(cmd.type).value
    if cmd.service_types is not None:
        wanted["service_types"] = service_types(cmd.service_types)
    if cmd.min_fee_ratio_bp is not None:
        wanted["min_fee_ratio_bp"] = v.min_fee_ratio_bp(cmd.min_fee_ratio_bp, fee_floor_bp)
    if cmd.introduction is not None:
        wanted["introduction"] = v.introduction(cmd.introduction)
    if cmd.head is not None:
        wanted["head"] = v.required_text(cmd.head, "机构负责人", 64)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        require_institution_admin(actor, cmd.institution_id)
        institution = await uow.session.scalar(
            select(Institution).where(Institution.id == cmd.institution_id).with_for_update()
        )
        if institution is None:
            raise NotFound("未找到该法人机构")
        changed = {k: val for k, val in wanted.items() if getattr(institution, k) != val}
        if not changed:
            return InstitutionUpdated(institution.id, ())
        for key, val in changed.items():
            setattr(institution, key, val)
        institution.updated_at = uow.clock.now()
        head = changed.pop("head", None)
        uow.record(
            "institution",
            institution.id,
            "updated",
            actor=actor.label,
            data={**changed, "fields": sorted([*changed, *(["head"] if head else [])])},
            personal={"head": (f"institution:{institution.id}:head", head)} if head else None,
        )
        await uow.commit()
    return InstitutionUpdated(institution.id, tuple(sorted([*changed, *(["head"] if head else [])])))
