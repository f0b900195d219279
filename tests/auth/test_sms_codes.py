"""SMS codes: sent through the outbox, rate-limited per number, one-shot, expiring, burnt by guessing."""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import timedelta

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
    await request_sms_code(RequestSmsCode(MOBILE, purpose), container.uow(), policy, container.coordination)
    return (await sms_sent(container, MOBILE))[-1]


async def test_sms_login_works_once(container: Container, policy: AuthPolicy) -> None:
    account_id = await make_account(container.uow(), password=None)
    code = await _code(container, policy)
    assert len(code) == 6 and code.isdigit()
    issued = await login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy)
    assert (await authenticate(issued.token, container.uow(), policy)).actor.account_id == account_id
    await refused(
        container,
        login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
        InvalidSmsCode,
        "invalid_sms_code",
    )


async def test_a_code_expires_after_five_minutes(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow())
    code = await _code(container, policy)
    clock.advance(300)
    error = await refused(
        container,
        login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
        InvalidSmsCode,
        "invalid_sms_code",
    )
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
    await refused(
        container,
        login_with_sms_code(LoginWithSmsCode(MOBILE, code), container.uow(), policy),
        InvalidSmsCode,
        "invalid_sms_code",
    )


def _ask(container: Container, policy: AuthPolicy, purpose: str = "login", mobile: str = MOBILE) -> Awaitable[None]:
    return request_sms_code(RequestSmsCode(mobile, purpose), container.uow(), policy, container.coordination)


async def _too_frequent(container: Container, policy: AuthPolicy, mobile: str = MOBILE) -> SmsTooFrequent:
    error = await refused(container, _ask(container, policy, mobile=mobile), SmsTooFrequent, "sms_too_frequent")
    assert isinstance(error, SmsTooFrequent) and error.status == 429
    return error


async def test_the_providers_rolling_windows_refuse_up_front_with_the_time_to_wait(
    container: Container, policy: AuthPolicy, clock: ManualClock
) -> None:
    """Aliyun's flow control for codes to one number: 1 a minute, 5 an hour, 10 a day, all rolling."""
    await make_account(container.uow())
    start = clock.now()
    await _code(container, policy)
    clock.advance(30)
    error = await _too_frequent(container, policy)
    assert (error.message, error.retry_after) == ("验证码发送过于频繁，请30秒后再试", 30)
    clock.advance(29)
    assert (await _too_frequent(container, policy)).retry_after == 1
    offsets = (0, 120, 181, 242, 303)  # seconds after the hour's start: five within the hour
    for offset in offsets[1:]:
        clock.set(start + timedelta(seconds=offset))
        await _code(container, policy, "reset")
    clock.advance(61)
    error = await _too_frequent(container, policy)
    assert error.retry_after == 3600 - 364  # until the first code leaves the hour
    assert error.message == "验证码发送过于频繁，请54分钟后再试"
    for offset in offsets:  # each code of the first hour makes room for one an hour later
        clock.set(start + timedelta(hours=1, seconds=offset))
        await _code(container, policy)
    assert len(await sms_sent(container, MOBILE)) == 10
    clock.set(start + timedelta(hours=3))  # the hour has room; the rolling day does not
    error = await _too_frequent(container, policy)
    assert error.retry_after == 21 * 3600 and error.message == "验证码发送过于频繁，请21小时后再试"
    clock.set(start + timedelta(hours=16))  # past midnight in Shanghai: the day is rolling, not the calendar's
    await _too_frequent(container, policy)
    clock.set(start + timedelta(hours=24))
    await _code(container, policy)
    assert len(await sms_sent(container, MOBILE)) == 11


async def test_an_unregistered_number_is_refused_alike(container: Container, policy: AuthPolicy) -> None:
    await make_account(container.uow())
    await _ask(container, policy)
    await _ask(container, policy, mobile="13900009999")
    # The second request within the minute gets the same answer whether or not the number has an account.
    registered, stranger = await _too_frequent(container, policy), await _too_frequent(container, policy, "13900009999")
    assert registered.message == stranger.message == "验证码发送过于频繁，请60秒后再试"
    assert await sms_sent(container, "13900009999") == []


async def test_unknown_or_disabled_numbers_get_no_sms_and_bad_input_is_refused(
    container: Container, policy: AuthPolicy
) -> None:
    await make_account(container.uow(), "13800000005", status=AccountStatus.DISABLED)
    before = await snapshot(container)
    await request_sms_code(RequestSmsCode("13900009999", "login"), container.uow(), policy, container.coordination)
    await request_sms_code(RequestSmsCode("13800000005", "login"), container.uow(), policy, container.coordination)
    assert await snapshot(container) == before
    await refused(container, _ask(container, policy, mobile="12345"), InvalidInput, "invalid_mobile")
    await refused(container, _ask(container, policy, "change_mobile"), InvalidInput, "invalid_purpose")
    await refused(
        container,
        login_with_sms_code(LoginWithSmsCode("13800000005", "123456"), container.uow(), policy),
        AccountDisabled,
        "account_disabled",
    )


async def test_reset_password_with_a_code(container: Container, policy: AuthPolicy, clock: ManualClock) -> None:
    await make_account(container.uow(), must_change=True)
    session = await login_with_password(LoginWithPassword(MOBILE, PASSWORD), container.uow(), policy)
    login_code = await _code(container, policy)
    # A login code does not reset a password.
    await refused(
        container,
        reset_password_with_sms_code(
            ResetPasswordWithSmsCode(MOBILE, login_code, "xinmima2026"), container.uow(), policy
        ),
        InvalidSmsCode,
        "invalid_sms_code",
    )
    clock.advance(61)
    code = await _code(container, policy, "reset")
    await refused(
        container,
        reset_password_with_sms_code(ResetPasswordWithSmsCode(MOBILE, code, "weak"), container.uow(), policy),
        InvalidInput,
        "weak_password",
    )
    await reset_password_with_sms_code(ResetPasswordWithSmsCode(MOBILE, code, "xinmima2026"), container.uow(), policy)
    with pytest.raises(Unauthenticated):
        await authenticate(session.token, container.uow(), policy)
    with pytest.raises(LoginFailed):
        await login_with_password(LoginWithPassword(MOBILE, PASSWORD), container.uow(), policy)
    issued = await login_with_password(LoginWithPassword(MOBILE, "xinmima2026"), container.uow(), policy)
    assert not issued.must_change_password
