"""Mini-program login: a wx.login code becomes the bound account's session (greeted as expert or enterprise
contact), or a pending one.

A pending session carries only the openid; the binding flow (phone number or invitation) attaches an account
to it later. Until then it opens nothing but the binding endpoints.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from handlers.auth.bind_mini_program import MiniProgramSession, greeted
from handlers.auth.errors import InvalidLoginCode
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import MiniProgramSessions
from handlers.auth.sessions import issue_session
from handlers.errors import InvalidInput
from store.models.auth import MiniProgramBinding, SessionKind
from store.models.organisation import CLOSED_STATUSES, Account
from store.uow import UnitOfWork


@dataclass(frozen=True)
class LoginMiniProgram:
    code: str


async def login_mini_program(
    cmd: LoginMiniProgram, uow: UnitOfWork, policy: AuthPolicy, mini_program: MiniProgramSessions
) -> MiniProgramSession:
    code = cmd.code.strip()
    if not code:
        raise InvalidInput("缺少登录凭证", code="missing_code")
    identity = await mini_program.identify(code)
    if identity is None:
        raise InvalidLoginCode()
    async with uow:
        account = await uow.session.scalar(
            select(Account)
            .join(MiniProgramBinding, MiniProgramBinding.account_id == Account.id)
            .where(MiniProgramBinding.openid == identity.openid)
        )
        # A disabled account's openid gets only a pending session, which opens nothing.
        account_id = account.id if account is not None and account.status not in CLOSED_STATUSES else None
        issued = await issue_session(
            uow, policy, account_id, SessionKind.MINI_PROGRAM, openid=identity.openid, unionid=identity.unionid
        )
        session = await greeted(uow, issued)
        await uow.commit()
        return session
