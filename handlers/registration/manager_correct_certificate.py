"""While it reviews a bound manager, the institution may correct the certificate details (seed 000 一.7(1):
审核时可对技术经理人的证书信息进行修改); nothing else of the manager's form."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from handlers.errors import Conflict
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.registration.manager_access import require_manager_institution
from handlers.registration.manager_chains import MANAGER_SUBJECT
from handlers.registration.manager_form import CERTIFICATE_FIELDS, MANAGER
from handlers.registration.manager_record import ManagerView, latest_review, record_by_id, to_json, view_of
from handlers.registration.policy import RegistrationPolicy
from handlers.transactions import transact
from store.models.demands import ReviewStatus
from store.models.manager_registration import ManagerStatus
from store.transaction import Transaction
from store.uow import UnitOfWork

CERTIFICATE = dataclasses.replace(
    MANAGER,
    name="technology_manager_certificate",
    title="技术经理人证书信息",
    submit=("PATCH", "/api/v1/technology-managers/{manager_id}/certificate"),
    # A PATCH: only the fields sent change (each nullable, as a partial form's fields are).
    fields=tuple(dataclasses.replace(f, nullable=True) for f in MANAGER.fields if f.name in CERTIFICATE_FIELDS),
    rules=(),
    draft=False,
    partial=True,
)


@dataclass(frozen=True)
class CorrectCertificate:
    actor_id: int
    record_id: int
    values: dict[str, Any]  # read as CERTIFICATE declares


async def correct_certificate(cmd: CorrectCertificate, uow: UnitOfWork, policy: RegistrationPolicy) -> ManagerView:
    raw = dict(cmd.values)

    async def run(tx: Transaction) -> ManagerView:
        record = await record_by_id(tx, cmd.record_id, lock=True)
        await require_manager_institution(tx, cmd.actor_id, record, policy.individual_region)
        review = await latest_review(tx, record.id)
        at_institution = (
            record.status == ManagerStatus.PENDING
            and review is not None
            and review.status == ReviewStatus.PENDING
            and review.stage == 0
            and record.institution_id is not None
        )
        if not at_institution:
            raise Conflict("只能在机构审核时修改证书信息", code="manager_not_at_institution")
        today = tx.clock.now().astimezone(ZoneInfo(policy.timezone)).date()
        checked = validate(CERTIFICATE, raw, Context(today))
        clean = to_json({k: v for k, v in checked.items() if raw.get(k) is not None})
        before = {k: record.values.get(k) for k in clean}
        record.values = {**record.values, **clean}
        record.updated_at = tx.clock.now()
        await tx.session.flush()
        tx.record(
            MANAGER_SUBJECT,
            record.id,
            "certificate_corrected",
            actor=f"account:{cmd.actor_id}",
            data={"before": before, "after": clean},
        )
        return await view_of(tx, record)

    return await transact(uow, run)
