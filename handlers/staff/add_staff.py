"""The institution admin adds a staff member to one of its centres, optionally as that centre's admin.

Seed 004 §一.3: the institution admin's mobile is never a staff member's mobile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict, NotFound
from handlers.forms.check import validate
from handlers.forms.declaration import Context
from handlers.membership.invitations import invite_member
from handlers.membership.policy import MembershipPolicy
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.people import find_or_create_account, grant_role, roles_of
from handlers.organisation.scope import Listing, require_visible
from handlers.staff.form import STAFF
from handlers.transactions import transact
from store.models.organisation import Centre, Role, StaffMember
from store.transaction import Transaction
from store.uow import UnitOfWork

STAFF_IS_ADMIN = "技转人员的手机号码不能与法人机构管理员的手机号码相同"


@dataclass(frozen=True)
class AddStaff:
    actor_id: int
    centre_id: int
    name: str
    mobile: str
    position: str
    centre_admin: bool = False


@dataclass(frozen=True)
class StaffAdded:
    staff_member_id: int
    account_id: int
    account_created: bool


async def add_staff(cmd: AddStaff, uow: UnitOfWork, *, membership: MembershipPolicy) -> StaffAdded:
    values = {"name": cmd.name, "mobile": cmd.mobile, "position": cmd.position, "centre_admin": False}
    clean = validate(STAFF, values, Context(uow.clock.now().date()))
    name, mobile, position = clean["name"], clean["mobile"], clean["position"]

    async def run(tx: Transaction) -> StaffAdded:
        actor = await load_actor(tx, cmd.actor_id)
        centre = await tx.session.scalar(select(Centre).where(Centre.id == cmd.centre_id).with_for_update())
        if centre is None:
            raise NotFound("未找到该地方转移中心")
        await require_visible(tx, actor, Listing.CENTRES, centre.id)
        require_institution_admin(actor, centre.institution_id)
        account, created = await find_or_create_account(tx, name, mobile, actor.label)
        roles = await roles_of(tx, account.id)
        if Role.INSTITUTION_ADMIN in roles:
            raise Conflict(STAFF_IS_ADMIN, code="staff_is_admin")
        if Role.STAFF in roles:
            raise Conflict("该手机号码已是技转人员", code="staff_exists")
        member = await _membership(tx, account.id, centre, position)
        for role in (Role.STAFF, Role.CENTRE_ADMIN) if cmd.centre_admin else (Role.STAFF,):
            await grant_role(
                tx, account.id, role, actor.label, institution_id=centre.institution_id, centre_id=centre.id
            )
        tx.record(
            "centre",
            centre.id,
            "staff_added",
            actor=actor.label,
            data={"account_id": account.id, "position": position, "centre_admin": cmd.centre_admin},
        )
        # Staff work in DingTalk: the platform's organisation must take them in (same transaction).
        await invite_member(
            tx,
            account,
            Role.CENTRE_ADMIN if cmd.centre_admin else Role.STAFF,
            position,
            actor.label,
            invited_by=actor.account_id,
            institution_id=centre.institution_id,
            policy=membership,
        )
        return StaffAdded(member.id, account.id, created)

    return await transact(uow, run, clash="该手机号码已是技转人员")


async def _membership(uow: Transaction, account_id: int, centre: Centre, position: str) -> StaffMember:
    """A new membership, or the one a former staff member left behind: one row per person keeps their
    history (follow-ups, points) in one place when they come back, to this or another institution."""
    member = await uow.session.scalar(select(StaffMember).where(StaffMember.account_id == account_id).with_for_update())
    if member is None:
        member = StaffMember(account_id=account_id, created_at=uow.clock.now())
        uow.session.add(member)
    member.institution_id, member.centre_id, member.position = centre.institution_id, centre.id, position
    member.left_at, member.successor_account_id = None, None
    await uow.session.flush()
    return member
