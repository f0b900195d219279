"""Binding a pending mini-program session by phone authorization: only the matching expert, nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from sqlalchemy import select

from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.auth.bind_mini_program import BindMiniProgram, bind_mini_program
from handlers.auth.errors import BIND_ACCOUNT_NOT_FOUND, AccountNotFound, InvalidPhoneCode, Unauthenticated
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.errors import Conflict, Forbidden
from handlers.experts.add_expert import AddExpert, add_expert
from store.models.audit import AuditEntry
from store.models.auth import AuthSession, MiniProgramBinding, SessionKind
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from tests.auth.conftest import make_account
from tests.organisation.conftest import Org, refused

MOBILE = "13912345678"


@dataclass
class Phones:
    """getuserphonenumber as the port sees it: code → number; unknown codes are invalid."""

    numbers: dict[str, str] = field(default_factory=dict)
    calls: list[tuple[str, str | None]] = field(default_factory=list)

    async def phone_number(self, code: str, openid: str | None) -> str | None:
        self.calls.append((code, openid))
        return self.numbers.pop(code, None)  # one-shot, as on the platform


async def _pending(org: Org, openid: str = "mini-o-qian") -> str:
    async with org.uow as uow:
        issued = await issue_session(
            uow, org.container.auth_policy, None, SessionKind.MINI_PROGRAM, openid=openid, unionid="u-qian"
        )
        await uow.commit()
    return issued.token


async def _expert(org: Org, mobile: str = MOBILE) -> int:
    inst, admin = await org.institution()
    return (await add_expert(AddExpert(admin, inst, "钱学者", mobile), org.uow)).account_id


async def test_the_matching_phone_binds_the_session_the_account_and_the_invitation(org: Org) -> None:
    account_id = await _expert(org)
    token = await _pending(org)
    phones = Phones({"p1": MOBILE})
    issued = await bind_mini_program(BindMiniProgram(token, "p1"), org.uow, phones)
    assert issued.account_id == account_id and phones.calls == [("p1", "mini-o-qian")]
    assert issued.roles == ("expert",) and issued.greeting.startswith("钱学者，欢迎您以专家身份使用科转小程序！")
    async with org.container.sessionmaker() as session:
        binding = (await session.scalars(select(MiniProgramBinding))).one()
        assert (binding.account_id, binding.openid, binding.unionid) == (account_id, "mini-o-qian", "u-qian")
        assert await session.scalar(select(AuthSession.account_id)) == account_id
        invitation = (await session.scalars(select(ExpertInvitation))).one()
        assert invitation.status == ExpertInvitationStatus.BOUND and invitation.bound_at is not None
        entry = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "mini_program_bound"))).one()
        assert entry.aggregate_id == str(account_id)
        bound = (await session.scalars(select(AuditEntry).where(AuditEntry.action == "bound"))).one()
        assert (bound.aggregate_type, bound.aggregate_id) == ("expert_invitation", str(invitation.id))
    report = await verify_audit_chain(org.uow, org.container.anchors)
    assert report.ok, report.findings


async def test_a_different_phone_is_refused_with_the_seed_words_and_nothing_written(org: Org) -> None:
    await _expert(org)
    token = await _pending(org)
    error = await refused(
        org.container,
        bind_mini_program(BindMiniProgram(token, "p1"), org.uow, Phones({"p1": "13700000000"})),
        AccountNotFound,
        "account_not_found",
    )
    assert error.message == BIND_ACCOUNT_NOT_FOUND == "账号不存在，请联系法人机构管理员确认信息是否已加入系统"


async def test_a_phone_of_someone_who_is_neither_expert_nor_contact_is_refused(org: Org) -> None:
    await make_account(org.uow, "13600000001")  # a staff member
    token = await _pending(org)
    await refused(
        org.container,
        bind_mini_program(BindMiniProgram(token, "p1"), org.uow, Phones({"p1": "13600000001"})),
        AccountNotFound,
        "account_not_found",
    )


async def test_an_expert_bound_to_another_wechat_is_refused(org: Org) -> None:
    account_id = await _expert(org)
    async with org.uow as uow:
        uow.session.add(
            MiniProgramBinding(account_id=account_id, openid="mini-o-first", unionid=None, created_at=uow.clock.now())
        )
        await uow.commit()
    token = await _pending(org, "mini-o-second")
    await refused(
        org.container,
        bind_mini_program(BindMiniProgram(token, "p1"), org.uow, Phones({"p1": MOBILE})),
        Conflict,
        "bound_elsewhere",
    )


async def test_an_invalid_phone_code_is_a_clear_error(org: Org) -> None:
    await _expert(org)
    token = await _pending(org)
    await refused(
        org.container,
        bind_mini_program(BindMiniProgram(token, "spent"), org.uow, Phones()),
        InvalidPhoneCode,
        "invalid_phone_code",
    )


async def test_no_paid_phone_lookup_without_a_live_pending_session(org: Org, clock: ManualClock) -> None:
    account_id = await _expert(org)
    phones = Phones({"p1": MOBILE})
    with pytest.raises(Unauthenticated):
        await bind_mini_program(BindMiniProgram("not-a-token", "p1"), org.uow, phones)
    token = await _pending(org)
    await bind_mini_program(BindMiniProgram(token, "p1"), org.uow, phones)
    with pytest.raises(Forbidden) as again:  # the session is bound now: not a binding session any more
        await bind_mini_program(BindMiniProgram(token, "p2"), org.uow, Phones({"p2": MOBILE}))
    assert again.value.code == "already_bound"
    clock.advance(400 * 3600)
    expired = await _pending(org, "mini-o-other")
    clock.advance(200 * 3600)
    with pytest.raises(Unauthenticated):
        await bind_mini_program(BindMiniProgram(expired, "p3"), org.uow, phones)
    assert phones.calls == [("p1", "mini-o-qian")] and account_id


async def test_an_enterprise_contact_binds_and_is_greeted_as_a_contact(org: Org) -> None:
    from handlers.auth.login_mini_program import LoginMiniProgram, login_mini_program
    from handlers.auth.ports import MiniProgramIdentity
    from handlers.enterprises.add_enterprise import AddEnterprise, add_enterprise
    from handlers.enterprises.add_enterprise_contact import AddEnterpriseContact, add_enterprise_contact

    inst, admin = await org.institution()
    enterprise = await add_enterprise(
        AddEnterprise(admin, inst, "杭州云栖智能传感科技有限公司"), org.uow, org.registry, org.regions
    )
    await add_enterprise_contact(
        AddEnterpriseContact(admin, enterprise.enterprise_id, "陈经理", "总经理", MOBILE), org.uow
    )
    issued = await bind_mini_program(BindMiniProgram(await _pending(org), "p1"), org.uow, Phones({"p1": MOBILE}))
    assert issued.roles == ("enterprise_contact",)
    assert issued.greeting.startswith("陈经理，欢迎您以企业联系人身份使用科转小程序！作为企业联系人，您可以")
    assert "专家" not in issued.greeting and "发布需求" in issued.greeting

    class Sessions:
        async def identify(self, code: str) -> MiniProgramIdentity | None:
            return MiniProgramIdentity("mini-o-qian", "u-qian") if code == "c1" else None

    # Signing in again later, the same greeting.
    again = await login_mini_program(LoginMiniProgram("c1"), org.uow, org.container.auth_policy, Sessions())
    assert (again.account_id, again.roles, again.greeting) == (issued.account_id, issued.roles, issued.greeting)
