"""SMS codes: sent through the outbox, rate-limited per number, one-shot, expiring, burnt by guessing."""

from __future__ import annotations

import pytest

from bot.bootstrap import Container
from handlers.auth.authenticate import authenticate
from handlers.auth.errors import AccountDisabled, InvalidSmsCode, LoginFailed, SmsTooFrequent, Unauthenticated
from handlers.auth.login_with_password import LoginWithPassword, login_with_password
from handlers.auth.login_with_sms_code import LoginWithSmsCode, login_with_sms_code
from handlers.auth.policy import AuthPolicy
from handlers.auth.request_sms_code import RequestSmsCode, request_sms_code
from handlers.auth.reset_password_with_sms_code import ResetPasswordWithSmsCode, reset_password_with_sms_code
from handlers.clock import ManualClock
from handlers.errors import InvalidInput
from store.models.organisation import AccountStatus
from tests.auth.conftest import PASSWORD, make_account, sms_sent
from tests.organisation.conftest import refused, snapshot

MOBILE = "13800000004"


async def _code(container: Container, policy: AuthPolicy, purpose: str = "login") -> str:
    await request_sms_code(RequestSmsCode(MOBILE, purpose), container.uow(), policy)
    return (await sms_sent(container, MOBILE))[-1]


async def test_sms_login_works_once(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow(), password=None)
    code = await _code(container, policy)
    assert len(code) == 6 and code.isdigit()
    issued = await login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy)
    assert (await authenticate(issued.token, container.uow(), policy)).actor.account_id == account_id
    await refused(container, login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
                  InvalidSmsCode, "invalid_sms_code")


async def test_a_code_expires_after_five_minutes(
    container: Container, policy: AuthPolicy, clock: ManualClock
) -> None:
    await make_account(container.uow())
    code = await _code(container, policy)
    clock.advance(300)
    error = await refused(container, login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
                          InvalidSmsCode, "invalid_sms_code")
    assert error.message == "验证码错误或已失效"


async def test_a_new_code_replaces_the_old_one(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow())
    old = await _code(container, policy)
    clock.advance(61)
    new = await _code(container, policy)
    if old != new:
        with pytest.raises(InvalidSmsCode):
            await login_with_sms_code(LoginWithSmsCode(MOBILE, old), container.uow(), policy)
    assert (await login_with_sms_code(LoginWithSmsCode(MOBILE, new), container.uow(), policy)).token


async def test_five_wrong_tries_burn_the_code(container: Container, policy: AuthPolicy) -> None:
    await make_account(container.uow())
    code = await _code(container, policy)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    for _ in range(5):
        with pytest.raises(InvalidSmsCode):
            await login_with_sms_code(LoginWithSmsCode(MOBILE, wrong), container.uow(), policy)
    await refused(container, login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
                  InvalidSmsCode, "invalid_sms_code")


async def test_one_code_a_minute_and_ten_a_day(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow())
    await _code(container, policy)
    clock.advance(59)
    error = await refused(container, request_sms_code(RequestSmsCode(MOBILE, "login"), container.uow(), policy),
                          SmsTooFrequent, "sms_too_frequent")
    assert error.message == "验证码发送过于频繁，请稍后再试" and error.status == 429
    for _ in range(9):
        clock.advance(61)
        await _code(container, policy, "reset")
    clock.advance(61)
    await refused(container, request_sms_code(RequestSmsCode(MOBILE, "login"), container.uow(), policy),
                  SmsTooFrequent, "sms_too_frequent")
    assert len(await sms_sent(container, MOBILE)) == 10
    clock.advance(8 * 3600)  # 16:10 in Shanghai → past midnight: a new day
    await _code(container, policy)
    assert len(await sms_sent(container, MOBILE)) == 11


async def test_unknown_or_disabled_numbers_get_no_sms_and_bad_input_is_refused(
    container: Container, policy: AuthPolicy
) -> None:
    await make_account(container.uow(), "13800000005", status=AccountStatus.DISABLED)
    before = await snapshot(container)
    await request_sms_code(RequestSmsCode("13900009999", "login"), container.uow(), policy)
    await request_sms_code(RequestSmsCode("13800000005", "login"), container.uow(), policy)
    assert await snapshot(container) == before
    await refused(container, request_sms_code(RequestSmsCode("12345", "login"), container.uow(), policy),
                  InvalidInput, "invalid_mobile")
    await refused(container, request_sms_code(RequestSmsCode(MOBILE, "register"), container.uow(), policy),
                  InvalidInput, "invalid_purpose")
    await refused(container, login_with_sms_code(LoginWithSmsCode("13800000005", "123456"), container.uow(), policy),
                  AccountDisabled, "account_disabled")


async def test_reset_password_with_a_code(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow(), must_change=True)
    session = await login_with_password(LoginWithPassword(MOBILE, PASSWORD), container.uow(), policy)
    login_code = await _code(container, policy)
    # A login code does not reset a password.
    await refused(container, reset_password_with_sms_code(
        ResetPasswordWithSmsCode(MOBILE, login_code, "xinmima2026"), container.uow(), policy),
        InvalidSmsCode, "invalid_sms_code")
    clock.advance(61)
    code = await _code(container, policy, "reset")
    await refused(container, reset_password_with_sms_code(
        ResetPasswordWithSmsCode(MOBILE, code, "weak"), container.uow(), policy), InvalidInput, "weak_password")
    await reset_password_with_sms_code(ResetPasswordWithSmsCode(MOBILE, code, "xinmima2026"), container.uow(), policy)
    with pytest.raises(Unauthenticated):
        await authenticate(session.token, container.uow(), policy)
    with pytest.raises(LoginFailed):
        await login_with_password(LoginWithPassword(MOBILE, PASSWORD), container.uow(), policy)
    issued = await login_with_password(LoginWithPassword(MOBILE, "xinmima2026"), container.uow(), policy)
    assert not issued.must_change_password
