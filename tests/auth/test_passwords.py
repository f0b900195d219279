"""Password sign-in, lockout, admin-set passwords and their forced change, sessions and their expiry."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import Container
from handlers.auth.authenticate import authenticate
from handlers.auth.change_password import ChangePassword, change_password
from handlers.auth.errors import AccountDisabled, LoginFailed, TooManyAttempts, Unauthenticated
from handlers.auth.login_with_password import LoginWithPassword, login_with_password
from handlers.auth.logout import logout
from handlers.auth.policy import AuthPolicy
from handlers.auth.set_initial_password import SetInitialPassword, set_initial_password
from handlers.clock import ManualClock
from handlers.errors import Forbidden, InvalidInput
from store.models.auth import AuthSession, PasswordCredential, SessionKind
from store.models.organisation import Account, AccountStatus, Role
from tests.auth.conftest import PASSWORD, make_account
from tests.organisation.conftest import refused, snapshot


async def _credential(container: Container, account_id: int) -> PasswordCredential:
    async with container.sessionmaker() as session:
        credential = await session.get(PasswordCredential, account_id)
        assert credential is not None
        return credential


async def test_login_gives_a_token_that_authenticates_with_roles(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    issued = await login_with_password(
        LoginWithPassword(" 138 0000 0004", PASSWORD, SessionKind.MICRO_APP), container.uow(), policy
    )
    assert issued.account_id == account_id and not issued.must_change_password
    auth = await authenticate(issued.token, container.uow(), policy)
    assert auth.actor.account_id == account_id and auth.actor.has(Role.STAFF)
    async with container.sessionmaker() as session:
        stored = await session.scalar(select(AuthSession.token_hash))
    assert stored is not None and issued.token not in stored and len(stored) == 64  # only the digest


async def test_wrong_password_and_unknown_number_get_the_same_answer(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    unknown = await refused(
        container,
        login_with_password(LoginWithPassword("13900009999", PASSWORD), container.uow(), policy),
        LoginFailed,
        "login_failed",
    )
    garbage = await refused(
        container,
        login_with_password(LoginWithPassword("not a number", PASSWORD), container.uow(), policy),
        LoginFailed,
        "login_failed",
    )
    before = await snapshot(container)
    with pytest.raises(LoginFailed) as wrong:
        await login_with_password(LoginWithPassword("13800000004", "wrong-pass1"), container.uow(), policy)
    assert wrong.value.message == unknown.message == garbage.message == "手机号或密码错误"
    assert await snapshot(container) == before  # no session, only the failure counted
    assert (await _credential(container, account_id)).failed_attempts == 1


async def test_five_failures_lock_for_fifteen_minutes(
    container: Container, policy: AuthPolicy, clock: ManualClock
) -> None:
    await make_account(container.uow())
    wrong = LoginWithPassword("13800000004", "wrong-pass1")
    for _ in range(4):
        with pytest.raises(LoginFailed):
            await login_with_password(wrong, container.uow(), policy)
    with pytest.raises(TooManyAttempts) as locked:
        await login_with_password(wrong, container.uow(), policy)
    assert locked.value.message == "登录失败次数过多，请15分钟后再试" and locked.value.status == 429
    # Even the right password waits out the lockout.
    clock.advance(14 * 60 + 59)
    await refused(
        container,
        login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy),
        TooManyAttempts,
        "too_many_attempts",
    )
    clock.advance(1)
    issued = await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    assert issued.token


async def test_a_success_resets_the_failure_count(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    for _ in range(4):
        with pytest.raises(LoginFailed):
            await login_with_password(LoginWithPassword("13800000004", "wrong-pass1"), container.uow(), policy)
    await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    assert (await _credential(container, account_id)).failed_attempts == 0
    with pytest.raises(LoginFailed):
        await login_with_password(LoginWithPassword("13800000004", "wrong-pass1"), container.uow(), policy)


async def test_a_disabled_account_is_refused(container: Container, policy: AuthPolicy) -> None:
    await make_account(container.uow(), status=AccountStatus.DISABLED)
    error = await refused(
        container,
        login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy),
        AccountDisabled,
        "account_disabled",
    )
    assert error.status == 403


async def test_an_admin_set_password_must_be_changed(container: Container, policy: AuthPolicy) -> None:
    admin_id = await make_account(container.uow(), "13900000000", role=Role.SYSTEM_ADMIN)
    account_id = await make_account(container.uow(), password=None)
    await set_initial_password(SetInitialPassword(admin_id, account_id, "chushi123"), container.uow())
    issued = await login_with_password(LoginWithPassword("13800000004", "chushi123"), container.uow(), policy)
    assert issued.must_change_password
    auth = await authenticate(issued.token, container.uow(), policy)
    assert auth.must_change_password
    other = await login_with_password(LoginWithPassword("13800000004", "chushi123"), container.uow(), policy)

    await change_password(
        ChangePassword(account_id, "chushi123", "wode2026mima", session_id=auth.session_id), container.uow()
    )
    assert not (await authenticate(issued.token, container.uow(), policy)).must_change_password
    with pytest.raises(Unauthenticated):  # the other device signs in again
        await authenticate(other.token, container.uow(), policy)
    with pytest.raises(LoginFailed):
        await login_with_password(LoginWithPassword("13800000004", "chushi123"), container.uow(), policy)
    assert (await login_with_password(LoginWithPassword("13800000004", "wode2026mima"), container.uow(), policy)).token


async def test_bad_password_changes_are_refused(container: Container, policy: AuthPolicy) -> None:
    admin_id = await make_account(container.uow(), "13900000000", role=Role.SYSTEM_ADMIN)
    staff_id = await make_account(container.uow())
    uow = container.uow
    await refused(
        container,
        set_initial_password(SetInitialPassword(staff_id, admin_id, "chushi123"), uow()),
        Forbidden,
        "forbidden",
    )
    for weak in ("short1", "onlyletters", "12345678"):
        await refused(
            container,
            set_initial_password(SetInitialPassword(admin_id, staff_id, weak), uow()),
            InvalidInput,
            "weak_password",
        )
        await refused(
            container, change_password(ChangePassword(staff_id, PASSWORD, weak), uow()), InvalidInput, "weak_password"
        )
    await refused(
        container,
        change_password(ChangePassword(staff_id, "wrong-pass1", "wode2026mima"), uow()),
        LoginFailed,
        "wrong_password",
    )
    await refused(
        container, change_password(ChangePassword(staff_id, PASSWORD, PASSWORD), uow()), InvalidInput, "same_password"
    )


async def test_sessions_slide_then_expire(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow())
    issued = await login_with_password(
        LoginWithPassword("13800000004", PASSWORD, SessionKind.MINI_PROGRAM), container.uow(), policy
    )
    for _ in range(3):  # used every 6 days, a 7-day session lives on
        clock.advance(6 * 86400)
        await authenticate(issued.token, container.uow(), policy)
    clock.advance(7 * 86400)
    error = await refused(
        container, authenticate(issued.token, container.uow(), policy), Unauthenticated, "unauthenticated"
    )
    assert error.status == 401 and error.message == "登录已失效，请重新登录"


async def test_web_sessions_are_short(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow())
    issued = await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    clock.advance(12 * 3600)
    with pytest.raises(Unauthenticated):
        await authenticate(issued.token, container.uow(), policy)


async def test_logout_revokes_only_that_session(container: Container, policy: AuthPolicy) -> None:
    await make_account(container.uow())
    first = await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    second = await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    await logout(first.token, container.uow())
    with pytest.raises(Unauthenticated):
        await authenticate(first.token, container.uow(), policy)
    await authenticate(second.token, container.uow(), policy)
    for bad in ("", "no-such-token"):
        with pytest.raises(Unauthenticated):
            await authenticate(bad, container.uow(), policy)


async def test_disabling_an_account_ends_its_sessions(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow())
    issued = await login_with_password(LoginWithPassword("13800000004", PASSWORD), container.uow(), policy)
    async with container.uow() as uow:
        account = await uow.session.get_one(Account, account_id)
        account.status = AccountStatus.DISABLED
        await uow.commit()
    with pytest.raises(Unauthenticated):
        await authenticate(issued.token, container.uow(), policy)
