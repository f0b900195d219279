"""The institution's technology managers on its registration form (seed 001 §一(三) 技术经理人填报; seed 000 一.4:
技术转移机构登记信息包含本单位经理人信息, 完成全部信息填写及经理人审核后点击【提交】).

The managers are those bound to the institutions the applicant administers under its certified credit code
(by invitation code or the institution's own import). The page shows them live, with their status; a
submission snapshots them into the registration (what the city reviewed), and is refused while one of them
still waits for the institution's own review."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy import select

from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.registration.manager_form import TITLE_LEVELS
from handlers.registration.manager_record import view_of
from store.models.manager_registration import ManagerStatus, TechnologyManagerRegistration
from store.models.organisation import Institution, Role
from store.transaction import Transaction

INSTITUTION_STAGE = "机构审核"


@dataclass(frozen=True)
class ManagerLine:
    id: int
    name: str
    title: str  # 职称名称（级别）
    status: str
    status_label: str
    stage: str | None  # 机构审核 / 市级审核 while pending
    reopened: bool  # resubmitted after 驳回更新


async def institution_managers(tx: Transaction, account_id: int, credit_code: str) -> list[ManagerLine]:
    actor = await load_actor(tx, account_id)
    administered = actor.institutions(Role.INSTITUTION_ADMIN)
    if not administered or not credit_code:
        return []
    institutions = select(Institution.id).where(
        Institution.id.in_(administered), Institution.credit_code == credit_code
    )
    records = await tx.session.scalars(
        select(TechnologyManagerRegistration)
        .where(
            TechnologyManagerRegistration.institution_id.in_(institutions),
            TechnologyManagerRegistration.status.not_in([ManagerStatus.DRAFT, ManagerStatus.DELETED]),
        )
        .order_by(TechnologyManagerRegistration.id)
    )
    levels = dict(TITLE_LEVELS)
    lines = []
    for record in records:
        view = await view_of(tx, record)
        values = view.values
        level = levels.get(str(values.get("title_level") or ""), "")
        title = f"{values.get('title_name') or ''}（{level}）" if level else str(values.get("title_name") or "")
        lines.append(ManagerLine(view.id, view.name, title, view.status, view.status_label, view.stage, view.reopened))
    return lines


def snapshot(lines: list[ManagerLine]) -> list[dict[str, Any]]:
    """The managers as submitted: refused while one still waits for the institution's own review."""
    waiting = [line.name for line in lines if line.stage == INSTITUTION_STAGE]
    if waiting:
        names = "、".join(waiting[:5]) + ("等" if len(waiting) > 5 else "")
        raise Conflict(
            f"请先完成本单位技术经理人审核（待审核：{names}）后再提交",
            code="managers_awaiting_review",
        )
    return [asdict(line) for line in lines]
