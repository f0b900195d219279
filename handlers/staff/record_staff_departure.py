"""A staff member leaves: their access ends at once, what they did stays theirs.

Seed 004 §一.3: the centre admin (or the institution admin) records the departure and names the colleague
in the same centre who takes over their work. The membership row is kept with `left_at`, so follow-ups and
contribution points remain attributed; the staff and centre-admin grants of that institution are removed
and every session ends. With no role left, the account is disabled; adding the person again re-enables it.
Their open demands move to the successor in the same transaction (a successor is required while they hold any).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select

from handlers.auth.sessions import revoke_sessions
from handlers.demands.hand_over_demands import hand_over, lock_open_demands
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.membership.invitations import revoke_pending_of
from handlers.organisation import validation as v
from handlers.organisation.actors import Actor, load_actor
from handlers.organisation.people import roles_of
from store.models.organisation import Account, AccountRole, AccountStatus, Centre, Role, StaffMember
from store.transaction import Transaction
from store.uow import UnitOfWork

WORK_ROLES = (Role.STAFF, Role.CENTRE_ADMIN, Role.TECHNOLOGY_MANAGER)


@dataclass(frozen=True)
class RecordStaffDeparture:
    actor_id: int
    staff_member_id: int
    successor_staff_member_id: int | None
    reason: str = ""


@dataclass(frozen=True)
class StaffDeparted:
    account_id: int
    successor_account_id: int | None
    account_disabled: bool


async def record_staff_departure(cmd: RecordStaffDeparture, uow: UnitOfWork) -> StaffDeparted:
    reason = v.optional_text(cmd.reason, "离职原因", 200)
    async with uow:
        actor = await load_actor(uow, cmd.actor_id)
        if not actor.has(Role.INSTITUTION_ADMIN) and not actor.has(Role.CENTRE_ADMIN):
            raise Forbidden("只有中心管理员或法人机构管理员可以办理离职")
        member = await uow.session.get(StaffMember, cmd.staff_member_id)
        if member is None or not _may_manage(actor, member):
            raise NotFound("未找到该技转人员")
        held = await lock_open_demands(uow, member.account_id, member.institution_id)
        # The centre's row lock orders this against other changes to its staff (and its audit chain),
        # the same lock add_staff takes; the membership is then read again under it.
        await uow.session.scalar(select(Centre.id).where(Centre.id == member.centre_id).with_for_update())
        await uow.session.refresh(member, with_for_update=True)
        if member.account_id == actor.account_id:
            raise Forbidden("不能为自己办理离职，请联系中心管理员", code="own_departure")
        if member.left_at is not None:
            raise Conflict("该技转人员已离职", code="staff_already_left")
        successor = await _successor(uow, member, cmd.successor_staff_member_id)
        # The account row lock orders the role changes and the account's audit entries.
        account = await uow.session.get_one(Account, member.account_id, with_for_update=True)
        now = uow.clock.now()
        member.left_at = now
        member.successor_account_id = successor
        # Their work roles in that institution end; being its expert is the person's own and stays.
        await uow.session.execute(
            delete(AccountRole).where(
                AccountRole.account_id == account.id,
                AccountRole.institution_id == member.institution_id,
                AccountRole.role.in_(WORK_ROLES),
            )
        )
        await revoke_pending_of(uow, account.id, member.institution_id, "已离职", actor)
        await hand_over(
            uow, held, successor, actor=actor.label, leaver=account.name, successor=await _name(uow, successor)
        )
        disabled = not await roles_of(uow, account.id)
        if disabled:
            account.status = AccountStatus.LEFT
            account.updated_at = now
        await revoke_sessions(uow, account.id)
        uow.record(
            "centre",
            member.centre_id,
            "staff_left",
            actor=actor.label,
            data={
                "account_id": account.id,
                "staff_member_id": member.id,
                "successor_account_id": successor,
                "reason": reason,
            },
        )
        uow.record(
            "account",
            account.id,
            "left_institution",
            actor=actor.label,
            data={
                "institution_id": member.institution_id,
                "account_disabled": disabled,
            },
        )
        await uow.commit()
    return StaffDeparted(account.id, successor, disabled)


def _may_manage(actor: Actor, member: StaffMember) -> bool:
    """The institution's admin, or an admin of the member's own centre."""
    if member.institution_id in actor.institutions(Role.INSTITUTION_ADMIN):
        return True
    return any(g.role == Role.CENTRE_ADMIN and g.centre_id == member.centre_id for g in actor.grants)


async def _successor(uow: UnitOfWork, leaver: StaffMember, successor_id: int | None) -> int | None:
    if successor_id is None:
        return None
    # Locked, so two colleagues leaving at once cannot each name the other.
    successor = await uow.session.scalar(select(StaffMember).where(StaffMember.id == successor_id).with_for_update())
    if (
        successor is None
        or successor.id == leaver.id
        or successor.centre_id != leaver.centre_id
        or successor.left_at is not None
    ):
        raise InvalidInput("接替人员须为本中心在职的其他技转人员", code="invalid_successor")
    return successor.account_id


async def _name(uow: Transaction, account_id: int | None) -> str:
    if account_id is None:
        return ""
    return str(await uow.session.scalar(select(Account.name).where(Account.id == account_id)) or "")
