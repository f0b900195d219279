"""A pending mini-program session becomes an expert's (or enterprise contact's) by phone authorization, and the
person is greeted as what they are.

The phone number WeChat vouches for must equal the mobile of an account that holds the expert or enterprise
contact role, and that account must not be bound to another WeChat user. Otherwise nothing is written.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from cards.official_account import greeting
from handlers.auth.errors import BIND_ACCOUNT_NOT_FOUND, AccountNotFound, InvalidPhoneCode, Unauthenticated
from handlers.auth.ports import MiniProgramPhones
from handlers.auth.sessions import IssuedSession, token_digest
from handlers.errors import Conflict, Forbidden, InvalidInput
from handlers.expert_channel.official_account import wechat_roles
from handlers.organisation.people import roles_of, subject_of
from store.models.auth import AuthSession, MiniProgramBinding, SessionKind
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.organisation import CLOSED_STATUSES, Account, Role
from store.uow import UnitOfWork

BINDABLE = {Role.EXPERT, Role.ENTERPRISE_CONTACT}


@dataclass(frozen=True)
class MiniProgramSession(IssuedSession):
    """A mini-program session with whom it serves: the roles held and the greeting the mini-program shows (an
    enterprise contact is greeted as a contact, with what a contact can do). Empty while pending."""

    roles: tuple[str, ...] = ()
    greeting: str = ""


async def greeted(uow: UnitOfWork, issued: IssuedSession) -> MiniProgramSession:
    if issued.account_id is None:
        return MiniProgramSession(issued.token, None, issued.kind, issued.must_change_password)
    roles = await wechat_roles(uow.session, issued.account_id)
    name = await uow.session.scalar(select(Account.name).where(Account.id == issued.account_id)) or ""
    held = tuple(
        r for held, r in ((roles.expert, Role.EXPERT.value), (roles.contact, Role.ENTERPRISE_CONTACT.value)) if held
    )
    return MiniProgramSession(
        issued.token,
        issued.account_id,
        issued.kind,
        issued.must_change_password,
        roles=held,
        greeting=greeting(name, roles),
    )


@dataclass(frozen=True)
class BindMiniProgram:
    token: str  # the pending session's bearer token
    phone_code: str  # from the mini-program's getPhoneNumber button


async def _pending_session(uow: UnitOfWork, token: str) -> AuthSession:
    session = await uow.session.scalar(
        select(AuthSession).where(AuthSession.token_hash == token_digest(token)).with_for_update()
    )
    now = uow.clock.now()
    if session is None or session.revoked_at is not None or session.expires_at <= now:
        raise Unauthenticated("登录已失效，请重新登录" if session is not None else None)
    if session.kind != SessionKind.MINI_PROGRAM or not session.openid:
        raise Forbidden("请在小程序中完成绑定", code="not_mini_program")
    if session.account_id is not None:
        raise Forbidden("该微信已绑定账号", code="already_bound")
    return session


async def bind_mini_program(cmd: BindMiniProgram, uow: UnitOfWork, phones: MiniProgramPhones) -> MiniProgramSession:
    code = cmd.phone_code.strip()
    if not code:
        raise InvalidInput("缺少手机号授权凭证", code="missing_code")
    async with uow:  # checked before the platform call, so a stale session costs no paid phone lookup
        openid = (await _pending_session(uow, cmd.token)).openid
    phone = await phones.phone_number(code, openid)
    if phone is None:
        raise InvalidPhoneCode()
    async with uow:
        session = await _pending_session(uow, cmd.token)
        account = await uow.session.scalar(select(Account).where(Account.mobile == phone).with_for_update())
        if account is None or account.status in CLOSED_STATUSES or not BINDABLE & await roles_of(uow, account.id):
            raise AccountNotFound(BIND_ACCOUNT_NOT_FOUND)
        bound_openid = await uow.session.scalar(
            select(MiniProgramBinding.openid).where(MiniProgramBinding.account_id == account.id)
        )
        if bound_openid is not None:
            raise Conflict("该账号已绑定其他微信，请联系法人机构管理员", code="bound_elsewhere")
        now = uow.clock.now()
        uow.session.add(
            MiniProgramBinding(account_id=account.id, openid=session.openid, unionid=session.unionid, created_at=now)
        )
        try:
            await uow.session.flush()
        except IntegrityError:  # the same openid bound a moment ago by a concurrent request
            raise Conflict("该微信已绑定账号", code="already_bound") from None
        session.account_id = account.id
        session.last_seen_at = now
        invitations = list(
            await uow.session.scalars(
                select(ExpertInvitation)
                .where(
                    ExpertInvitation.account_id == account.id,
                    ExpertInvitation.status.in_((ExpertInvitationStatus.PENDING, ExpertInvitationStatus.FOLLOWED)),
                )
                .order_by(ExpertInvitation.id)
                .with_for_update()
            )
        )
        for invitation in invitations:
            invitation.status = ExpertInvitationStatus.BOUND
            invitation.bound_at = invitation.updated_at = now
            uow.record("expert_invitation", invitation.id, "bound", actor=f"account:{account.id}")
        uow.record(
            "account",
            account.id,
            "mini_program_bound",
            actor=f"account:{account.id}",
            data={"invitations": [i.id for i in invitations], "unionid": session.unionid is not None},
            personal={"openid": (subject_of(account.id), session.openid or "")},
        )
        bound = await greeted(uow, IssuedSession(cmd.token, account.id, SessionKind.MINI_PROGRAM))
        await uow.commit()
        return bound
