"""The system admin creates a legal-entity institution together with its one admin (seed 004 §二)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select

from handlers.errors import Conflict, InvalidInput
from handlers.membership.invitations import invite_member
from handlers.membership.policy import MembershipPolicy
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_system_admin
from handlers.organisation.people import find_or_create_account, grant_role, roles_of
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation import Institution, Role
from store.transaction import Transaction
from store.uow import UnitOfWork


class InstitutionType(StrEnum):
    UNIVERSITY = "university"  # 高校
    RESEARCH_INSTITUTE = "research_institute"  # 科研院所
    TECH_TRANSFER_AGENCY = "tech_transfer_agency"  # 社会化技术转移机构
    NEW_RD_INSTITUTION = "new_rd_institution"  # 新型研发机构
    OTHER = "other"


class ServiceType(StrEnum):
    TECHNOLOGY_TRANSFER = "technology_transfer"  # 技术转移
    TECHNOLOGY_CONSULTING = "technology_consulting"  # 技术咨询
    TECHNOLOGY_EVALUATION = "technology_evaluation"  # 技术评价
    INTELLECTUAL_PROPERTY = "intellectual_property"  # 知识产权
    TECHNOLOGY_FINANCE = "technology_finance"  # 科技金融
    INCUBATION = "incubation"  # 孵化服务


def institution_type(value: str) -> InstitutionType:
    try:
        return InstitutionType(value)
    except ValueError:
        raise InvalidInput("请选择正确的机构类型", code="invalid_institution_type") from None


def service_types(values: tuple[str, ...]) -> list[str]:
    try:
        return sorted({ServiceType(s).value for s in values})
    except ValueError:
        raise InvalidInput("请选择正确的服务类型", code="invalid_service_type") from None


ADMIN_IS_STAFF = "法人机构管理员的手机号码不能与技转人员的手机号码相同"


@dataclass(frozen=True)
class CreateInstitution:
    actor_id: int
    name: str
    credit_code: str
    type: str
    region_code: str
    admin_name: str
    admin_mobile: str
    service_types: tuple[str, ...] = ()
    min_fee_ratio_bp: int | None = None  # None: the platform floor
    introduction: str = ""
    head: str | None = None


@dataclass(frozen=True)
class InstitutionCreated:
    institution_id: int
    admin_account_id: int
    admin_account_created: bool


async def create_institution(
    cmd: CreateInstitution,
    uow: UnitOfWork,
    regions: RegionDirectory,
    *,
    membership: MembershipPolicy,
    fee_floor_bp: int,
) -> InstitutionCreated:
    name = v.required_text(cmd.name, "机构名称", 128)
    code = v.credit_code(cmd.credit_code)
    kind = institution_type(cmd.type)
    region = v.region_code(cmd.region_code, regions)
    admin_name = v.required_text(cmd.admin_name, "管理员姓名", 64)
    admin_mobile = v.mobile(cmd.admin_mobile)
    services = service_types(cmd.service_types)
    ratio = v.min_fee_ratio_bp(cmd.min_fee_ratio_bp, fee_floor_bp)
    intro = v.introduction(cmd.introduction)
    head = v.required_text(cmd.head, "机构负责人", 64) if cmd.head else None

    async def run(tx: Transaction) -> InstitutionCreated:
        actor = await load_actor(tx, cmd.actor_id)
        require_system_admin(actor)
        if await tx.session.scalar(select(Institution.id).where(Institution.credit_code == code)):
            raise Conflict("该统一社会信用代码的法人机构已存在", code="institution_exists")
        account, created = await find_or_create_account(tx, admin_name, admin_mobile, actor.label)
        roles = await roles_of(tx, account.id)
        if Role.STAFF in roles:
            raise Conflict(ADMIN_IS_STAFF, code="admin_is_staff")
        if Role.INSTITUTION_ADMIN in roles:
            raise Conflict("该手机号码已是其他法人机构的管理员", code="admin_taken")
        now = tx.clock.now()
        institution = Institution(
            name=name,
            credit_code=code,
            type=kind,
            service_types=services,
            min_fee_ratio_bp=ratio,
            introduction=intro,
            head=head,
            region_code=region,
            admin_account_id=account.id,
            created_at=now,
            updated_at=now,
        )
        tx.session.add(institution)
        await tx.session.flush()
        await grant_role(tx, account.id, Role.INSTITUTION_ADMIN, actor.label, institution_id=institution.id)
        tx.record(
            "institution",
            institution.id,
            "created",
            actor=actor.label,
            data={
                "name": name,
                "credit_code": code,
                "type": kind,
                "region_code": region,
                "service_types": services,
                "min_fee_ratio_bp": ratio,
                "introduction": intro,
                "admin_account_id": account.id,
            },
            personal={"head": (f"institution:{institution.id}:head", head)} if head else None,
        )
        await invite_member(
            tx,
            account,
            Role.INSTITUTION_ADMIN,
            "法人机构管理员",
            actor.label,
            invited_by=actor.account_id,
            institution_id=institution.id,
            policy=membership,
        )
        return InstitutionCreated(institution.id, account.id, created)

    return await transact(uow, run, clash="该法人机构或其管理员已存在")
