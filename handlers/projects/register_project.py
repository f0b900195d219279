"""对接成功项目登记: the docking staff member (or an admin of the docking side for them) registers the project a
demand led to. The demand becomes 已完成, the docking staff member earns the deal's points and the enterprise
hears of it — all in one transaction."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.demands.access import locked
from handlers.demands.notify_enterprise import notify_enterprise
from handlers.demands.policy import DemandPolicy
from handlers.demands.states import Step, next_status
from handlers.demands.timeline import step
from handlers.errors import Conflict
from handlers.organisation.actors import load_actor
from handlers.points.record_point_event import PointFact, record_point_event
from handlers.projects.access import own_project_file, require_project_writer
from handlers.projects.choices import CATEGORIES, expected_fee_fen
from handlers.projects.fields import ProjectFields, clean
from handlers.publications.access import end_open_offer
from store.models.demands import Demand, DemandStatus
from store.models.points import PointEventKind
from store.models.projects import ProjectRegistration
from store.models.publications import DemandPublication, PublicationStatus
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RegisterProject:
    actor_id: int
    demand_id: int
    fields: ProjectFields


@dataclass(frozen=True)
class ProjectRegistered:
    project_id: int
    demand_id: int
    expected_fee_fen: int
    credited_account_id: int
    points: int


async def agreed_fee_ratio_bp(uow: UnitOfWork, demand: Demand) -> int:
    """The demand's ratio; once another institution accepted its publication, the ratio it committed to in the
    letter (seed 004 §四.6: set by the publisher)."""
    accepted = await uow.session.scalar(
        select(DemandPublication.fee_ratio_bp).where(
            DemandPublication.demand_id == demand.id, DemandPublication.status == PublicationStatus.ACCEPTED
        )
    )
    return demand.fee_ratio_bp if accepted is None else accepted


async def register_project(cmd: RegisterProject, uow: UnitOfWork, policy: DemandPolicy) -> ProjectRegistered:
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        demand = await locked(uow, cmd.demand_id)
        await require_project_writer(uow, actor, demand)
        if (
            await uow.session.scalar(select(ProjectRegistration.id).where(ProjectRegistration.demand_id == demand.id))
            is not None
        ):
            raise Conflict("该需求已登记对接成功项目", code="already_registered")
        before = demand.status
        demand.status = next_status(Step.COMPLETE, before)
        if demand.staff_account_id is None:
            raise Conflict("该需求没有对接人员，请先指定对接人员", code="no_docking_staff")
        now = uow.clock.now()
        fields = clean(cmd.fields, now.astimezone(policy.zone).date())
        ratio = await agreed_fee_ratio_bp(uow, demand)
        contract = await own_project_file(uow, fields.contract_file_id, actor, "合同")
        row = ProjectRegistration(
            demand_id=demand.id,
            name=fields.name,
            category=fields.category,
            amount_fen=fields.amount_fen,
            signed_on=fields.signed_on,
            leader=fields.leader,
            members=list(fields.members),
            undertaking_unit=fields.undertaking_unit,
            entity_type=fields.entity_type,
            cooperation_mode=fields.cooperation_mode,
            contract_file_id=contract.id,
            fee_ratio_bp=ratio,
            expected_fee_fen=expected_fee_fen(fields.amount_fen, ratio),
            registered_by=actor.account_id,
            credited_account_id=demand.staff_account_id,
            registered_at=now,
        )
        uow.session.add(row)
        await uow.session.flush()
        demand.updated_at = now
        note = f"登记项目「{fields.name}」（{CATEGORIES[fields.category]}，{fields.amount_fen / 100:,.2f}元）"
        # The contract's content hash goes into the demand's audit chain as evidence.
        await step(
            uow,
            demand,
            Step.COMPLETE,
            before,
            actor=actor.label,
            note=note,
            data={
                "project_id": row.id,
                "amount_fen": fields.amount_fen,
                "fee_ratio_bp": ratio,
                "expected_fee_fen": row.expected_fee_fen,
                "contract_sha256": contract.sha256,
                "credited_account_id": demand.staff_account_id,
            },
        )
        if before == DemandStatus.PUBLISHED:  # completed by the publisher's own staff before anyone accepted
            await end_open_offer(uow, demand.id, now)
        # +5 to the docking staff member (after a publication, the accepting institution's).
        recorded = await record_point_event(
            uow,
            PointFact(
                PointEventKind.PROJECT_REGISTERED, demand.staff_account_id, demand_id=demand.id, project_id=row.id
            ),
        )
        await notify_enterprise(uow, demand, "已完成", policy)
        await uow.commit()
    return ProjectRegistered(row.id, demand.id, row.expected_fee_fen, row.credited_account_id, recorded.points)
