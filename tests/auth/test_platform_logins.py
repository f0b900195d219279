"""DingTalk 免登 and mini-program login at the use-case level, with the ports faked."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.auth.authenticate import authenticate
from handlers.auth.errors import AccountDisabled, AccountNotFound, InvalidLoginCode, Unauthenticated
from handlers.auth.login_mini_program import LoginMiniProgram, login_mini_program
from handlers.auth.login_with_dingtalk import LoginWithDingTalk, login_with_dingtalk
from handlers.auth.policy import AuthPolicy
from handlers.auth.ports import MiniProgramIdentity
from handlers.errors import InvalidInput
from store.models.auth import DingTalkBinding, MiniProgramBinding, SessionKind
from store.models.organisation import AccountStatus
from tests.auth.conftest import make_account
from tests.organisation.conftest import refused


@dataclass
class FakeDingTalk:
    codes: dict[str, str] = field(default_factory=dict)  # auth code → userid, one-shot
    mobiles: dict[str, str] = field(default_factory=dict)

    async def userid_for_auth_code(self, code: str) -> str | None:
        return self.codes.pop(code, None)

    async def mobile_of(self, userid: str) -> str | None:
        return self.mobiles.get(userid)


@dataclass
class FakeMiniProgram:
    codes: dict[str, MiniProgramIdentity] = field(default_factory=dict)

    async def identify(self, code: str) -> MiniProgramIdentity | None:
        return self.codes.pop(code, None)


async def test_first_dingtalk_login_binds_by_mobile_then_uses_the_binding(
    container: Container, policy: AuthPolicy
) -> None:
    account_id = await make_account(container.uow())
    dingtalk = FakeDingTalk({"c1": "dt-zhang", "c2": "dt-zhang"}, {"dt-zhang": "13800000004"})
    issued = await login_with_dingtalk(LoginWithDingTalk("c1"), container.uow(), policy, dingtalk)
    assert issued.account_id == account_id and issued.kind == SessionKind.MICRO_APP
    async with container.sessionmaker() as session:
        assert (
            await session.scalar(select(DingTalkBinding.account_id).where(DingTalkBinding.userid == "dt-zhang"))
            == account_id
        )
    dingtalk.mobiles.clear()  # the binding is enough from now on
    again = await login_with_dingtalk(LoginWithDingTalk("c2"), container.uow(), policy, dingtalk)
    assert again.account_id == account_id
    await refused(
        container,
        login_with_dingtalk(LoginWithDingTalk("c2"), container.uow(), policy, dingtalk),
        InvalidLoginCode,
        "invalid_auth_code",
    )


async def test_dingtalk_refusals(container: Container, policy: AuthPolicy) -> None:
    await make_account(container.uow(), "13800000005", status=AccountStatus.DISABLED)
    dingtalk = FakeDingTalk({"u": "dt-li", "d": "dt-off"}, {"dt-li": "13800000002", "dt-off": "13800000005"})
    error = await refused(
        container,
        login_with_dingtalk(LoginWithDingTalk("u"), container.uow(), policy, dingtalk),
        AccountNotFound,
        "account_not_found",
    )
    assert error.message == "未找到您的账号，请联系管理员"
    await refused(
        container,
        login_with_dingtalk(LoginWithDingTalk("d"), container.uow(), policy, dingtalk),
        AccountDisabled,
        "account_disabled",
    )
    await refused(
        container,
        login_with_dingtalk(LoginWithDingTalk(" "), container.uow(), policy, dingtalk),
        InvalidInput,
        "missing_auth_code",
    )


async def test_a_userid_bound_elsewhere_is_not_rebound(container: Container, policy: AuthPolicy) -> None:
    first = await make_account(container.uow())
    await make_account(container.uow(), "13800000006", name="赵局长")
    async with container.uow() as uow:
        uow.session.add(DingTalkBinding(account_id=first, userid="dt-old", created_at=uow.clock.now()))
        await uow.commit()
    # The directory now says dt-new has the first account's mobile: an admin must sort that out.
    dingtalk = FakeDingTalk({"x": "dt-new"}, {"dt-new": "13800000004"})
    await refused(
        container,
        login_with_dingtalk(LoginWithDingTalk("x"), container.uow(), policy, dingtalk),
        AccountNotFound,
        "account_not_found",
    )


async def test_mini_program_login_bound_and_pending(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    async with container.uow() as uow:
        uow.session.add(
            MiniProgramBinding(account_id=account_id, openid="o-zhang", unionid="u-zhang", created_at=uow.clock.now())
        )
        await uow.commit()
    mini = FakeMiniProgram({"a": MiniProgramIdentity("o-zhang", "u-zhang"), "b": MiniProgramIdentity("o-new", None)})
    bound = await login_mini_program(LoginMiniProgram("a"), container.uow(), policy, mini)
    assert bound.account_id == account_id
    assert (await authenticate(bound.token, container.uow(), policy)).actor.account_id == account_id
    pending = await login_mini_program(LoginMiniProgram("b"), container.uow(), policy, mini)
    assert pending.account_id is None
    with pytest.raises(Unauthenticated) as caught:
        await authenticate(pending.token, container.uow(), policy)
    assert caught.value.code == "binding_required"
    await refused(
        container,
        login_mini_program(LoginMiniProgram("a"), container.uow(), policy, mini),
        InvalidLoginCode,
        "invalid_login_code",
    )
    await refused(
        container, login_mini_program(LoginMiniProgram(""), container.uow(), policy, mini), InvalidInput, "missing_code"
    )


async def test_racing_first_dingtalk_logins_end_with_one_binding(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    dingtalk = FakeDingTalk({f"c{n}": "dt-zhang" for n in range(4)}, {"dt-zhang": "13800000004"})
    sessions = await asyncio.gather(
        *(login_with_dingtalk(LoginWithDingTalk(f"c{n}"), container.uow(), policy, dingtalk) for n in range(4))
    )
    assert {s.account_id for s in sessions} == {account_id}
    async with container.sessionmaker() as session:
        assert list(await session.scalars(select(DingTalkBinding.userid))) == ["dt-zhang"]
