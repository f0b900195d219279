"""The system admin creates a bureau official for a province, city or district (seed 004 §二)."""

from __future__ import annotations

from dataclasses import dataclass

from handlers.errors import Conflict
from handlers.membership.invitations import invite_member
from handlers.membership.policy import MembershipPolicy
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_system_admin
from handlers.organisation.people import find_or_create_account, grant_role, roles_of
from handlers.reference.ports import RegionDirectory
from handlers.transactions import transact
from store.models.organisation import Official, RegionLevel, Role
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class CreateOfficial:
    actor_id: int
    name: str
    mobile: str
    region_code: str


@dataclass(frozen=True)
class OfficialCreated:
    official_id: int
    account_id: int
    level: RegionLevel
    account_created: bool


async def create_official(
    cmd: CreateOfficial, uow: UnitOfWork, regions: RegionDirectory, *, membership: MembershipPolicy
) -> OfficialCreated:
    name = v.required_text(cmd.name, "姓名", 64)
    mobile = v.mobile(cmd.mobile)
    region = v.region_code(cmd.region_code, regions)
    level = v.region_level(region)

    async def run(tx: Transaction) -> OfficialCreated:
        actor = await load_actor(tx, cmd.actor_id)
        require_system_admin(actor)
        account, created = await find_or_create_account(tx, name, mobile, actor.label)
        if Role.OFFICIAL in await roles_of(tx, account.id):
            raise Conflict("该手机号码已是科技管理人员", code="official_exists")
        official = Official(account_id=account.id, region_code=region, level=level, created_at=tx.clock.now())
        tx.session.add(official)
        await tx.session.flush()
        await grant_role(tx, account.id, Role.OFFICIAL, actor.label, region_code=region)
        tx.record(
            "official",
            official.id,
            "created",
            actor=actor.label,
            data={"account_id": account.id, "region_code": region, "level": level},
        )
        await invite_member(
            tx, account, Role.OFFICIAL, "科技管理人员", actor.label, invited_by=actor.account_id, policy=membership
        )
        return OfficialCreated(official.id, account.id, level, created)

    return await transact(uow, run, clash="该手机号码已是科技管理人员")
