"""A person enters an institution's invitation code and is bound to it (seed 000 §二.3).

A use is taken by one conditional UPDATE (uses < max_uses, not revoked, not expired), so racing redemptions
by different accounts never pass max_uses; only when it matches no row is the code read again to say why.
Entering a code again — or another code of the same institution for the same purpose — counts no second use.

A code is meant for technology managers (技术经理人, seed 000 §二.3) binding themselves to the institution they
work for: a person without a role yet, or the institution's own staff and centre admins. Whoever holds a role the
code is not meant for — the system admin, officials, institution admins (who issue codes), experts, enterprise
contacts — is refused with `invitation_not_for_role`; a member of another institution with
`invitation_other_institution`; a technology manager already bound elsewhere with `manager_bound_elsewhere` (one
work unit each). Redeeming grants the technology_manager role scoped to the institution: /me lists it with the
institution's id, the person sees that institution's page, and the institution's admin lists its managers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from handlers.errors import Conflict, DomainError, Forbidden, InvalidInput
from handlers.invitations import codes
from handlers.invitations.codes import CodeStatus
from handlers.organisation.people import grant_role
from handlers.transactions import transact
from store.models.invitations import InvitationCode, InvitationPurpose, InvitationRedemption
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, Role
from store.transaction import Transaction
from store.uow import UnitOfWork


@dataclass(frozen=True)
class RedeemInvitationCode:
    account_id: int
    code: str


@dataclass(frozen=True)
class InvitationCodeRedeemed:
    institution_id: int
    purpose: InvitationPurpose
    used_at: datetime
    first_time: bool  # False when the person was already bound this way: nothing was consumed


# Roles a code is never meant for, with the word the person reads.
NOT_MEANT_FOR = {
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.OFFICIAL: "科技管理人员",
    Role.INSTITUTION_ADMIN: "法人机构管理员",
    Role.EXPERT: "专家",
    Role.ENTERPRISE_CONTACT: "企业联系人",
}
# Roles that work for one institution: that institution's code is theirs to enter, no other's.
MEMBERS = (Role.STAFF, Role.CENTRE_ADMIN)


async def _meant_for(uow: Transaction, account_id: int, institution_id: int) -> None:
    """Refuses a person the code is not meant for, before any use is taken."""
    grants = (
        await uow.session.execute(
            select(AccountRole.role, AccountRole.institution_id)
            .where(AccountRole.account_id == account_id)
            .order_by(AccountRole.id)
        )
    ).all()
    for role, _institution in grants:
        if (label := NOT_MEANT_FOR.get(Role(role))) is not None:
            raise Forbidden(f"邀请码供技术经理人绑定所在机构使用，{label}不能使用", code="invitation_not_for_role")
    for role, institution in grants:
        if Role(role) in MEMBERS and institution != institution_id:
            raise Forbidden("您是其他法人机构的成员，不能使用本机构的邀请码", code="invitation_other_institution")
        if Role(role) == Role.TECHNOLOGY_MANAGER and institution != institution_id:
            raise Conflict(
                "您已作为技术经理人绑定其他法人机构，一位技术经理人只能绑定一家机构", code="manager_bound_elsewhere"
            )


def _refusal(code: InvitationCode, now: datetime) -> DomainError:
    status = codes.status_of(code, now)
    if status == CodeStatus.REVOKED:
        return Conflict(codes.REVOKED.format(reason=code.revoke_reason or ""), code="invitation_revoked")
    if status == CodeStatus.EXPIRED:
        return Conflict(codes.EXPIRED, code="invitation_expired")
    return Conflict(codes.EXHAUSTED, code="invitation_exhausted")


async def redeem_invitation_code(cmd: RedeemInvitationCode, uow: UnitOfWork) -> InvitationCodeRedeemed:
    text = codes.normalise(cmd.code)
    if text is None:
        raise InvalidInput(codes.INVALID, code="invalid_invitation_code")

    async def run(tx: Transaction) -> InvitationCodeRedeemed:
        now = tx.clock.now()
        # The account's row lock serialises one person's redemptions (and their audit chain).
        account = await tx.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
        if account is None or account.status in CLOSED_STATUSES:
            raise Forbidden("账号不存在或已停用", code="account_disabled")
        code = await tx.session.scalar(select(InvitationCode).where(InvitationCode.code == text))
        if code is None:
            raise InvalidInput(codes.INVALID, code="invalid_invitation_code")
        earlier = await tx.session.scalar(
            select(InvitationRedemption).where(
                InvitationRedemption.account_id == account.id,
                InvitationRedemption.institution_id == code.institution_id,
                InvitationRedemption.purpose == code.purpose,
            )
        )
        if earlier is not None:
            return InvitationCodeRedeemed(
                earlier.institution_id, InvitationPurpose(earlier.purpose), earlier.used_at, first_time=False
            )
        await _meant_for(tx, account.id, code.institution_id)
        uses = await tx.session.scalar(
            update(InvitationCode)
            .where(
                InvitationCode.id == code.id,
                InvitationCode.uses < InvitationCode.max_uses,
                InvitationCode.revoked_at.is_(None),
                InvitationCode.expires_at > now,
            )
            .values(uses=InvitationCode.uses + 1)
            .returning(InvitationCode.uses)
            .execution_options(synchronize_session=False)
        )
        if uses is None:
            await tx.session.refresh(code)
            raise _refusal(code, now)
        purpose = InvitationPurpose(code.purpose)
        tx.session.add(
            InvitationRedemption(
                invitation_code_id=code.id,
                account_id=account.id,
                institution_id=code.institution_id,
                purpose=purpose,
                used_at=now,
            )
        )
        await tx.session.flush()
        # The UPDATE holds the code's row lock, which keeps its chain linear.
        tx.record(
            "invitation_code",
            code.id,
            "redeemed",
            actor=f"account:{account.id}",
            data={"account_id": account.id, "uses": uses},
        )
        await grant_role(
            tx, account.id, Role.TECHNOLOGY_MANAGER, f"account:{account.id}", institution_id=code.institution_id
        )
        return InvitationCodeRedeemed(code.institution_id, purpose, now, first_time=True)

    return await transact(uow, run, clash="邀请码使用冲突，请重试")
