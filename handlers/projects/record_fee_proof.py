"""中介费兑付凭证: once the intermediary fee is paid, the docking staff member (or an admin of the docking side)
uploads the proof with the amount and date paid. A fee below the agreed ratio × project amount is recorded and
flagged — the institution's admins get a DingTalk work notice — never refused.

A proof recorded wrongly (the wrong file, a mistyped amount) is corrected by recording it again with the reason
for the correction; the timeline and the demand's audit chain keep what it replaced."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from cards.outbound import WorkNotice
from cards.project import LowFee, low_fee_card
from handlers.demands.access import locked
from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict, InvalidInput, NotFound
from handlers.forms.check import validate_field
from handlers.forms.declaration import Context
from handlers.organisation.actors import load_actor
from handlers.projects.access import own_project_file, require_project_writer
from handlers.projects.choices import fee_flag
from handlers.projects.form import FEE_PROOF
from handlers.reviews.reviewers import name_of
from store.models.auth import DingTalkBinding
from store.models.demands import Demand
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, Role
from store.models.projects import ProjectRegistration
from store.uow import UnitOfWork

CORRECTION_MAX = FEE_PROOF.field("correction").max_length or 0


@dataclass(frozen=True)
class RecordFeeProof:
    actor_id: int
    demand_id: int
    file_id: int
    paid_fen: int
    paid_on: date
    correction: str = ""  # 更正原因: only for replacing a proof already recorded


@dataclass(frozen=True)
class FeeProofRecorded:
    project_id: int
    expected_fee_fen: int
    paid_fen: int
    fee_flag: str | None
    corrected: bool = False  # True: it replaced an earlier proof


async def record_fee_proof(cmd: RecordFeeProof, uow: UnitOfWork, policy: DemandPolicy) -> FeeProofRecorded:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        await require_project_writer(uow, actor, demand)
        project = await uow.session.scalar(
            select(ProjectRegistration).where(ProjectRegistration.demand_id == demand.id)
        )
        if project is None:
            raise NotFound("该需求尚未登记对接成功项目", code="project_not_found")
        correction = cmd.correction.strip()
        if project.fee_proof_at is not None and not correction:
            raise Conflict("该项目已上传中介费兑付凭证；如需更正，请填写更正原因", code="fee_proof_recorded")
        if project.fee_proof_at is None and correction:
            raise Conflict("该项目尚未上传中介费兑付凭证，无需更正", code="no_fee_proof")
        today = uow.clock.now().astimezone(policy.zone).date()
        correction = validate_field(FEE_PROOF, "correction", correction, Context(today))
        next_status(Step.RECORD_FEE_PROOF, demand.status)
        replaced = _recorded(project) if correction else None
        now = uow.clock.now()
        paid = validate_field(FEE_PROOF, "paid_fen", cmd.paid_fen, Context(today))
        validate_field(FEE_PROOF, "paid_on", cmd.paid_on, Context(today))
        if cmd.paid_on < project.signed_on:
            raise InvalidInput("兑付日期不能早于合同签订日期", code="invalid_date")
        proof = await own_project_file(uow, cmd.file_id, actor, "兑付凭证")
        flag = fee_flag(paid, project.expected_fee_fen)
        project.fee_proof_file_id, project.fee_paid_fen, project.fee_paid_on = proof.id, paid, cmd.paid_on
        project.fee_proof_by, project.fee_proof_at, project.fee_flag = actor.account_id, now, flag
        note = f"兑付金额 {paid / 100:,.2f}元（约定 {project.expected_fee_fen / 100:,.2f}元）"
        if flag is not None:
            note += "，低于约定比例"
        if correction:
            note = f"更正兑付凭证（{correction}）：{note}"
        await step(
            uow,
            demand,
            Step.RECORD_FEE_PROOF,
            demand.status,
            actor=actor.label,
            note=note,
            data={
                "project_id": project.id,
                "paid_fen": paid,
                "paid_on": cmd.paid_on.isoformat(),
                "expected_fee_fen": project.expected_fee_fen,
                "fee_flag": flag,
                "proof_sha256": proof.sha256,
                "correction": correction or None,
                "replaced": replaced,
            },
        )
        if flag is not None:
            await _tell_admins(uow, demand, project, policy)
        await uow.commit()
    return FeeProofRecorded(project.id, project.expected_fee_fen, paid, flag, corrected=bool(correction))


def _recorded(project: ProjectRegistration) -> dict[str, object]:
    """What a correction replaces, kept in the timeline step's audit data."""
    return {
        "file_id": project.fee_proof_file_id,
        "paid_fen": project.fee_paid_fen,
        "paid_on": project.fee_paid_on.isoformat() if project.fee_paid_on else None,
        "fee_flag": project.fee_flag,
        "by": project.fee_proof_by,
        "at": project.fee_proof_at.isoformat() if project.fee_proof_at else None,
    }


async def _tell_admins(uow: UnitOfWork, demand: Demand, project: ProjectRegistration, policy: DemandPolicy) -> None:
    view = LowFee(
        project.name,
        demand.number,
        demand.title,
        await name_of(uow, project.credited_account_id),
        project.expected_fee_fen,
        project.fee_paid_fen or 0,
        project.fee_ratio_bp,
        policy.link(demand.id),
    )
    for userid in await _institution_admins(uow, demand.institution_id):
        await uow.send(
            WorkNotice(
                recipient=userid,
                msg=low_fee_card(view),
                record=f"项目 {project.id} 中介费偏低",
                source=f"demand:{demand.id}",
            )
        )


async def _institution_admins(uow: UnitOfWork, institution_id: int | None) -> list[str]:
    """DingTalk userids of the institution's active admins; the flag waits in the flagged list for the others."""
    if institution_id is None:
        return []
    return sorted(
        set(
            await uow.session.scalars(
                select(DingTalkBinding.userid)
                .join(AccountRole, AccountRole.account_id == DingTalkBinding.account_id)
                .join(Account, Account.id == AccountRole.account_id)
                .where(
                    AccountRole.role == Role.INSTITUTION_ADMIN,
                    AccountRole.institution_id == institution_id,
                    Account.status.not_in(list(CLOSED_STATUSES)),
                )
            )
        )
    )
