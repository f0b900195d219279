"""A person enters an institution's invitation code and is bound to it (seed 000 §二.3).

A use is taken by one conditional UPDATE (uses < max_uses, not revoked, not expired), so racing redemptions
by different accounts never pass max_uses; only when it matches no row is the code read again to say why.
Entering a code again — or another code of the same institution for the same purpose — counts no second use.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update

from handlers.errors import Conflict, DomainError, Forbidden, InvalidInput
from handlers.invitations import codes
from handlers.invitations.codes import CodeStatus
from handlers.organisation.clashes import retry_on_clash
from handlers.organisation.people import grant_role
from store.models.invitations import InvitationCode, InvitationPurpose, InvitationRedemption
from store.models.organisation import CLOSED_STATUSES, Account, Role
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

    async def attempt() -> InvitationCodeRedeemed:
        async with uow:
            now = uow.clock.now()
            # The account's row lock serialises one person's redemptions (and their audit chain).
            account = await uow.session.scalar(select(Account).where(Account.id == cmd.account_id).with_for_update())
            if account is None or account.status in CLOSED_STATUSES:
                raise Forbidden("账号不存在或已停用", code="account_disabled")
            code = await uow.session.scalar(select(InvitationCode).where(InvitationCode.code == text))
            if code is None:
                raise InvalidInput(codes.INVALID, code="invalid_invitation_code")
            earlier = await uow.session.scalar(
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
            uses = await uow.session.scalar(
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
                await uow.session.refresh(code)
                raise _refusal(code, now)
            purpose = InvitationPurpose(code.purpose)
            uow.session.add(
                InvitationRedemption(
                    invitation_code_id=code.id,
                    account_id=account.id,
                    institution_id=code.institution_id,
                    purpose=purpose,
                    used_at=now,
                )
            )
            await uow.session.flush()
            # The UPDATE holds the code's row lock, which keeps its chain linear.
            uow.record(
                "invitation_code",
                code.id,
                "redeemed",
                actor=f"account:{account.id}",
                data={"account_id": account.id, "uses": uses},
            )
            await grant_role(
                uow, account.id, Role.TECHNOLOGY_MANAGER, f"account:{account.id}", institution_id=code.institution_id
            )
            await uow.commit()
        return InvitationCodeRedeemed(code.institution_id, purpose, now, first_time=True)

    return await retry_on_clash(attempt, "邀请码使用冲突，请重试")
