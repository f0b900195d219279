"""The institution admin adds a staff member to one of its centres, optionally as that centre's admin.

Seed 004 §一.3: the institution admin's mobile is never a staff member's mobile.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import Conflict, NotFound
from handlers.membership.invitations import invite_member
from handlers.membership.policy import MembershipPolicy
from handlers.organisation import validation as v
from handlers.organisation.actors import load_actor, require_institution_admin
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import find_or_create_account, grant_role, roles_of
from handlers.organisation.scope import Listing, require_visible
from store.models.organisation import Centre, Role, StaffMember
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
    name = v.required_text(cmd.name, "姓名", 64)
    mobile = v.mobile(cmd.mobile)
    position = v.required_text(cmd.position, "职位", 64)

    async def attempt() -> StaffAdded:
        async with uow:
            actor = await load_actor(uow, cmd.actor_id)
            centre = await uow.session.scalar(select(Centre).where(Centre.id == cmd.centre_id).with_for_update())
            if centre is None:
                raise NotFound("未找到该地方转移中心")
            await require_visible(uow, actor, Listing.CENTRES, centre.id)
            require_institution_admin(actor, centre.institution_id)
            account, created = await find_or_create_account(uow, name, mobile, actor.label)
            roles = await roles_of(uow, account.id)
            if Role.INSTITUTION_ADMIN in roles:
                raise Conflict(STAFF_IS_ADMIN, code="staff_is_admin")
            if Role.STAFF in roles:
                raise Conflict("该手机号码已是技转人员", code="staff_exists")
            member = await _membership(uow, account.id, centre, position)
            for role in (Role.STAFF, Role.CENTRE_ADMIN) if cmd.centre_admin else (Role.STAFF,):
                await grant_role(
                    uow, account.id, role, actor.label, institution_id=centre.institution_id, centre_id=centre.id
                )
            uow.record(
                "centre",
                centre.id,
                "staff_added",
                actor=actor.label,
                data={"account_id": account.id, "position": position, "centre_admin": cmd.centre_admin},
            )
            # Staff work in DingTalk: the platform's organisation must take them in (same transaction).
            await invite_member(
                uow,
                account,
                Role.CENTRE_ADMIN if cmd.centre_admin else Role.STAFF,
                position,
                actor.label,
                invited_by=actor.account_id,
                institution_id=centre.institution_id,
                policy=membership,
            )
            await uow.commit()
        return StaffAdded(member.id, account.id, created)

    return await retry_on_clash(attempt, "该手机号码已是技转人员")


async def _membership(uow: UnitOfWork, account_id: int, centre: Centre, position: str) -> StaffMember:
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
