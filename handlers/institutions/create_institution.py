"""The system admin creates a legal-entity institution together with its one admin (seed 004 §二)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict, InvalidInput
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.institutions.form import INSTITUTION, INSTITUTION_FIELDS
from handlers.institutions.form import InstitutionType as InstitutionType
from handlers.institutions.form import ServiceType as ServiceType
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
    values = {name: getattr(cmd, name) for name in INSTITUTION_FIELDS}
    clean = validate(INSTITUTION, values, Context(uow.clock.now().date(), regions))
    name, code, region = clean["name"], clean["credit_code"], clean["region_code"]
    kind, admin_name, admin_mobile = InstitutionType(clean["type"]), clean["admin_name"], clean["admin_mobile"]
    services = sorted(set(clean["service_types"]))
    # The platform floor is policy, not data: checked here as before, after the form's range.
    ratio = v.min_fee_ratio_bp(clean["min_fee_ratio_bp"], fee_floor_bp)
    intro, head = clean["introduction"], clean["head"] or None

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
