"""Changes of life: a staff member leaves and may come back; an admin sets a starting password; a number
changes — by the person with a code, or corrected by an admin with the platform identities bound again."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import auth_policy
from bot.settings import Settings
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.auth.authenticate import authenticate
from handlers.auth.change_mobile import ChangeMobile, change_mobile
from handlers.auth.change_password import ChangePassword, change_password
from handlers.auth.correct_mobile import CorrectMobile, correct_mobile
from handlers.auth.errors import AccountDisabled, AccountNotFound, InvalidSmsCode, SmsTooFrequent, Unauthenticated
from handlers.auth.login_with_dingtalk import LoginWithDingTalk, login_with_dingtalk
from handlers.auth.login_with_password import LoginWithPassword, login_with_password
from handlers.auth.policy import AuthPolicy
from handlers.auth.request_mobile_change_code import RequestMobileChangeCode, request_mobile_change_code
from handlers.auth.request_sms_code import RequestSmsCode, request_sms_code
from handlers.auth.reset_password_with_sms_code import ResetPasswordWithSmsCode, reset_password_with_sms_code
from handlers.auth.set_initial_password import SetInitialPassword, set_initial_password
from handlers.errors import Conflict, Forbidden, InvalidInput, NotFound
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from handlers.invitations.redeem_invitation_code import RedeemInvitationCode, redeem_invitation_code
from handlers.membership.record_dingtalk_member import RecordDingTalkMember, record_dingtalk_member
from handlers.membership.resend_membership_invitation import ResendMembershipInvitation, resend_membership_invitation
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.organisation.pages import PageRequest
from handlers.staff.add_staff import AddStaff, add_staff
from handlers.staff.list_staff import ListStaff, list_staff
from handlers.staff.record_staff_departure import RecordStaffDeparture, record_staff_departure
from store.models.audit import AuditEntry
from store.models.auth import DingTalkBinding, SessionKind
from store.models.membership import InvitationStatus, MembershipInvitation
from store.models.organisation import CLOSED_STATUSES, Account, AccountRole, AccountStatus, Role, StaffMember
from tests.auth.conftest import sms_sent
from tests.auth.test_platform_logins import FakeDingTalk
from tests.organisation.conftest import Org, refused
from tests.policies import MEMBERSHIP

START = "chushi2026"


@pytest.fixture
def policy(org: Org) -> AuthPolicy:
    return auth_policy(Settings())


@dataclass
class Centre:
    inst: int
    admin: int  # institution admin's account
    centre: int
    boss: int  # centre admin's account
    boss_member: int
    wang: int  # staff
    wang_member: int
    li: int  # staff
    li_member: int


async def _centre(
    org: Org,
    name: str = "钱塘分中心",
    *,
    code: str = "12330000470003281H",
    admin_mobile: str = "13800000001",
    prefix: str = "1360000",
) -> Centre:
    inst, admin = await org.institution(code=code, mobile=admin_mobile)
    centre = (await create_centre(CreateCentre(admin, inst, name, "330114"), org.uow, org.regions)).centre_id
    boss = await add_staff(
        AddStaff(admin, centre, "赵主任", prefix + "0001", "主任", centre_admin=True), org.uow, membership=MEMBERSHIP
    )
    wang = await add_staff(
        AddStaff(admin, centre, "王技转", prefix + "0002", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    li = await add_staff(
        AddStaff(admin, centre, "李技转", prefix + "0003", "技术经纪人"), org.uow, membership=MEMBERSHIP
    )
    return Centre(
        inst,
        admin,
        centre,
        boss.account_id,
        boss.staff_member_id,
        wang.account_id,
        wang.staff_member_id,
        li.account_id,
        li.staff_member_id,
    )


async def _signed_in(org: Org, policy: AuthPolicy, actor: int, account: int, mobile: str) -> str:
    """The admin sets a starting password, the person signs in and picks their own: a live session."""
    await set_initial_password(SetInitialPassword(actor, account, START), org.uow)
    await login_with_password(LoginWithPassword(mobile, START), org.uow, policy)
    await change_password(ChangePassword(account, START, "wode2026mima"), org.uow)
    return (await login_with_password(LoginWithPassword(mobile, "wode2026mima"), org.uow, policy)).token


async def test_a_leaver_loses_access_at_once_and_keeps_their_record(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    token = await _signed_in(org, policy, c.admin, c.wang, "13600000002")
    departed = await record_staff_departure(
        RecordStaffDeparture(c.boss, c.wang_member, c.li_member, "调往其他单位"), org.uow
    )
    assert (departed.account_id, departed.successor_account_id, departed.account_disabled) == (c.wang, c.li, True)

    with pytest.raises(Unauthenticated):  # the open session ended with the departure
        await authenticate(token, org.uow, policy)
    with pytest.raises(AccountDisabled):
        await login_with_password(LoginWithPassword("13600000002", "wode2026mima"), org.uow, policy)
    async with org.container.sessionmaker() as s:
        member = await s.get_one(StaffMember, c.wang_member)  # kept, so follow-ups and points stay theirs
        assert member.left_at is not None and member.successor_account_id == c.li
        assert (await s.get_one(Account, c.wang)).status == AccountStatus.LEFT
        assert not list(await s.scalars(select(AccountRole).where(AccountRole.account_id == c.wang)))
        actions = list(await s.scalars(select(AuditEntry.action).where(AuditEntry.aggregate_type == "centre")))
        assert "staff_left" in actions
    listed = await list_staff(ListStaff(c.admin, PageRequest()), org.uow)
    assert {v.account_id for v in listed.items} == {c.boss, c.li}


async def test_who_may_record_a_departure(org: Org) -> None:
    c = await _centre(org)
    other = await _centre(org, "宁波分中心", code="12330100MB0123456R", admin_mobile="13800000011", prefix="1370000")
    uow = org.uow
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(c.wang, c.li_member, None), uow),
        Forbidden,
        "forbidden",
    )  # a colleague is not an admin
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(other.boss, c.li_member, None), uow),
        NotFound,
        "not_found",
    )  # another centre's admin does not see them
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(other.admin, c.li_member, None), uow),
        NotFound,
        "not_found",
    )
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(c.boss, c.boss_member, None), uow),
        Forbidden,
        "own_departure",
    )
    for successor in (c.wang_member, other.li_member, 999_999):
        await refused(
            org.container,
            record_staff_departure(RecordStaffDeparture(c.boss, c.wang_member, successor), uow),
            InvalidInput,
            "invalid_successor",
        )
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(c.boss, c.wang_member, None, "原" * 201), uow),
        InvalidInput,
        "field_too_long",
    )
    # The institution admin may, too; twice is a clear conflict.
    await record_staff_departure(RecordStaffDeparture(c.admin, c.wang_member, None), uow)
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(c.admin, c.wang_member, None), uow),
        Conflict,
        "staff_already_left",
    )
    # A leaver cannot be named as someone's successor.
    await refused(
        org.container,
        record_staff_departure(RecordStaffDeparture(c.boss, c.li_member, c.wang_member), uow),
        InvalidInput,
        "invalid_successor",
    )


async def test_a_leaver_who_is_also_an_expert_keeps_that_role(org: Org) -> None:
    c = await _centre(org)
    await add_expert(AddExpert(c.admin, c.inst, "王技转", "13600000002", "高级工程师", "浙江大学"), org.uow)
    departed = await record_staff_departure(RecordStaffDeparture(c.boss, c.wang_member, None), org.uow)
    assert not departed.account_disabled
    async with org.container.sessionmaker() as s:
        assert (await s.get_one(Account, c.wang)).status not in CLOSED_STATUSES
        roles = set(await s.scalars(select(AccountRole.role).where(AccountRole.account_id == c.wang)))
        assert roles == {Role.EXPERT}


async def test_a_leaver_can_be_added_again(org: Org) -> None:
    c = await _centre(org)
    await record_staff_departure(RecordStaffDeparture(c.boss, c.wang_member, None), org.uow)
    again = await add_staff(
        AddStaff(c.admin, c.centre, "王技转", "13600000002", "高级经纪人"), org.uow, membership=MEMBERSHIP
    )
    assert (again.account_id, again.staff_member_id, again.account_created) == (c.wang, c.wang_member, False)
    async with org.container.sessionmaker() as s:
        member = await s.get_one(StaffMember, c.wang_member)
        assert (member.left_at, member.position) == (None, "高级经纪人")
        assert (await s.get_one(Account, c.wang)).status == AccountStatus.INVITED
    listed = await list_staff(ListStaff(c.admin, PageRequest()), org.uow)
    assert c.wang in {v.account_id for v in listed.items}


async def test_institution_admins_set_starting_passwords_for_their_staff_only(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    other = await _centre(org, "宁波分中心", code="12330100MB0123456R", admin_mobile="13800000011", prefix="1370000")
    official = await create_official(
        CreateOfficial(org.admin_id, "钱局长", "13900000009", "330114"), org.uow, org.regions, membership=MEMBERSHIP
    )
    expert = await add_expert(AddExpert(c.admin, c.inst, "陈教授", "13500000001", "教授", "浙江大学"), org.uow)
    await set_initial_password(SetInitialPassword(c.admin, c.wang, START), org.uow)
    issued = await login_with_password(LoginWithPassword("13600000002", START), org.uow, policy)
    assert issued.must_change_password
    for target in (other.wang, c.admin, official.account_id, expert.account_id):
        await refused(
            org.container,
            set_initial_password(SetInitialPassword(c.admin, target, START), org.uow),
            Forbidden,
            "forbidden",
        )
    await refused(
        org.container, set_initial_password(SetInitialPassword(c.boss, c.wang, START), org.uow), Forbidden, "forbidden"
    )  # a centre admin is not an institution admin
    await set_initial_password(SetInitialPassword(org.admin_id, c.admin, START), org.uow)  # the system admin may


async def test_every_password_change_is_in_the_account_chain(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    await set_initial_password(SetInitialPassword(c.admin, c.wang, START), org.uow)
    await change_password(ChangePassword(c.wang, START, "wode2026mima"), org.uow)
    await request_sms_code(RequestSmsCode("13600000002", "reset"), org.uow, policy, org.quota)
    code = (await sms_sent(org.container, "13600000002"))[-1]
    await reset_password_with_sms_code(ResetPasswordWithSmsCode("13600000002", code, "xinmima2027"), org.uow, policy)
    async with org.container.sessionmaker() as s:
        rows = (
            await s.execute(
                select(AuditEntry.action, AuditEntry.actor, AuditEntry.data)
                .where(
                    AuditEntry.aggregate_type == "account",
                    AuditEntry.aggregate_id == str(c.wang),
                    AuditEntry.action.like("password_%"),
                )
                .order_by(AuditEntry.seq)
            )
        ).all()
    assert [(action, actor) for action, actor, _ in rows] == [
        ("password_set_by_admin", f"account:{c.admin}"),
        ("password_changed", f"account:{c.wang}"),
        ("password_reset", f"account:{c.wang}"),
    ]
    assert all("wode2026mima" not in data and "scrypt" not in data for _, _, data in rows)
    assert (await verify_audit_chain(org.uow, org.container.anchors)).ok


async def test_a_person_moves_their_account_to_a_new_number(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    old = await _signed_in(org, policy, c.admin, c.wang, "13600000002")
    current = await _signed_in(org, policy, c.admin, c.wang, "13600000002")
    me = await authenticate(current, org.uow, policy)
    async with org.uow as uow:
        uow.session.add(DingTalkBinding(account_id=c.wang, userid="dt-wang", created_at=uow.clock.now()))
        await uow.commit()

    await refused(
        org.container,
        request_mobile_change_code(RequestMobileChangeCode(c.wang, "13600000003"), org.uow, policy, org.quota),
        Conflict,
        "mobile_taken",
    )
    await refused(
        org.container,
        request_mobile_change_code(RequestMobileChangeCode(c.wang, "13600000002"), org.uow, policy, org.quota),
        InvalidInput,
        "same_mobile",
    )
    await refused(
        org.container,
        request_mobile_change_code(RequestMobileChangeCode(c.wang, "057187654321"), org.uow, policy, org.quota),
        InvalidInput,
        "invalid_mobile",
    )
    await request_mobile_change_code(RequestMobileChangeCode(c.wang, "13700000099"), org.uow, policy, org.quota)
    code = (await sms_sent(org.container, "13700000099"))[-1]
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(InvalidSmsCode):
        await change_mobile(ChangeMobile(c.wang, "13700000099", wrong, me.session_id), org.uow, policy)
    await change_mobile(ChangeMobile(c.wang, "13700000099", code, me.session_id), org.uow, policy)

    assert (await authenticate(current, org.uow, policy)).actor.account_id == c.wang  # this device stays
    with pytest.raises(Unauthenticated):
        await authenticate(old, org.uow, policy)
    assert (await login_with_password(LoginWithPassword("13700000099", "wode2026mima"), org.uow, policy)).token
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(DingTalkBinding.userid).where(DingTalkBinding.account_id == c.wang)) == "dt-wang"
        assert await s.scalar(select(Account.id).where(Account.mobile == "13600000002")) is None
    # The code is spent; the public code endpoint cannot be used to ask for a mobile-change code.
    with pytest.raises(InvalidSmsCode):
        await change_mobile(ChangeMobile(c.wang, "13700000099", code), org.uow, policy)
    await refused(
        org.container,
        request_sms_code(RequestSmsCode("13700000099", "change_mobile"), org.uow, policy, org.quota),
        InvalidInput,
        "invalid_purpose",
    )


async def test_a_number_taken_meanwhile_is_refused_and_nothing_changes(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    await request_mobile_change_code(RequestMobileChangeCode(c.wang, "13700000099"), org.uow, policy, org.quota)
    code = (await sms_sent(org.container, "13700000099"))[-1]
    await add_staff(AddStaff(c.admin, c.centre, "孙技转", "13700000099", "技术经纪人"), org.uow, membership=MEMBERSHIP)
    await refused(
        org.container,
        change_mobile(ChangeMobile(c.wang, "13700000099", code), org.uow, policy),
        Conflict,
        "mobile_taken",
    )


async def test_an_admin_corrects_a_lost_number_and_dingtalk_binds_again(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    dingtalk = FakeDingTalk({"c1": "dt-wang"}, {"dt-wang": "13600000002"})
    token = (await login_with_dingtalk(LoginWithDingTalk("c1"), org.uow, policy, dingtalk)).token

    await refused(
        org.container,
        correct_mobile(CorrectMobile(c.boss, c.wang, "13700000099", "换号"), org.uow),
        Forbidden,
        "forbidden",
    )  # a centre admin cannot
    await refused(
        org.container,
        correct_mobile(CorrectMobile(c.admin, c.wang, "13600000003", "换号"), org.uow),
        Conflict,
        "mobile_taken",
    )
    await refused(
        org.container,
        correct_mobile(CorrectMobile(c.admin, c.wang, "13700000099", " "), org.uow),
        InvalidInput,
        "missing_field",
    )
    await correct_mobile(CorrectMobile(c.admin, c.wang, "13700000099", "原号码已停用"), org.uow)

    with pytest.raises(Unauthenticated):
        await authenticate(token, org.uow, policy)
    async with org.container.sessionmaker() as s:
        assert await s.scalar(select(DingTalkBinding.id).where(DingTalkBinding.account_id == c.wang)) is None
    # DingTalk still knows the old number: the member is not taken for this account until it is updated there.
    dingtalk.codes["c2"] = "dt-wang"
    await refused(
        org.container,
        login_with_dingtalk(LoginWithDingTalk("c2"), org.uow, policy, dingtalk),
        AccountNotFound,
        "account_not_found",
    )
    dingtalk.codes["c3"], dingtalk.mobiles["dt-wang"] = "dt-wang", "13700000099"
    again = await login_with_dingtalk(LoginWithDingTalk("c3"), org.uow, policy, dingtalk)
    assert again.account_id == c.wang and again.kind == SessionKind.MICRO_APP


async def test_an_institution_admin_corrects_its_experts_numbers_not_others(org: Org) -> None:
    c = await _centre(org)
    other = await _centre(org, "宁波分中心", code="12330100MB0123456R", admin_mobile="13800000011", prefix="1370000")
    expert = await add_expert(AddExpert(c.admin, c.inst, "陈教授", "13500000001", "教授", "浙江大学"), org.uow)
    await refused(
        org.container,
        correct_mobile(CorrectMobile(other.admin, expert.account_id, "13500000002", "换号"), org.uow),
        Forbidden,
        "forbidden",
    )
    await correct_mobile(CorrectMobile(c.admin, expert.account_id, "13500000002", "专家更换号码"), org.uow)
    async with org.container.sessionmaker() as s:
        assert (await s.get_one(Account, expert.account_id)).mobile == "13500000002"


async def test_an_institution_admin_cannot_take_over_another_institutions_person(org: Org) -> None:
    """Adding someone else's staff member as one's own expert gives no power over their account."""
    c = await _centre(org)
    other = await _centre(org, "宁波分中心", code="12330100MB0123456R", admin_mobile="13800000011", prefix="1370000")
    await add_expert(AddExpert(c.admin, c.inst, "王技转", "13700000002", "工程师", "宁波大学"), org.uow)
    await refused(
        org.container,
        correct_mobile(CorrectMobile(c.admin, other.wang, "13912340000", "换号"), org.uow),
        Forbidden,
        "forbidden",
    )
    await refused(
        org.container,
        set_initial_password(SetInitialPassword(c.admin, other.wang, START), org.uow),
        Forbidden,
        "forbidden",
    )
    # An unknown id answers as someone else's account does; the system admin is told it does not exist.
    await refused(
        org.container,
        correct_mobile(CorrectMobile(c.admin, 999_999, "13912340000", "换号"), org.uow),
        Forbidden,
        "forbidden",
    )
    await refused(
        org.container,
        correct_mobile(CorrectMobile(org.admin_id, 999_999, "13912340000", "换号"), org.uow),
        NotFound,
        "not_found",
    )


async def test_a_leaver_is_not_let_back_in_by_dingtalk_or_by_their_old_roles(org: Org) -> None:
    c = await _centre(org)
    code = await create_invitation_code(
        CreateInvitationCode(c.admin, c.inst, org.container.clock.now() + timedelta(days=7), 5), org.uow
    )
    await redeem_invitation_code(RedeemInvitationCode(c.wang, code.code), org.uow)
    async with org.container.sessionmaker() as s:
        [invitation] = (
            await s.scalars(select(MembershipInvitation).where(MembershipInvitation.account_id == c.wang))
        ).all()
    await record_staff_departure(RecordStaffDeparture(c.boss, c.wang_member, None), org.uow)
    async with org.container.sessionmaker() as s:
        assert not list(await s.scalars(select(AccountRole).where(AccountRole.account_id == c.wang)))
        assert (await s.get_one(MembershipInvitation, invitation.id)).status == InvitationStatus.REVOKED
    # The person accepts DingTalk's join invitation afterwards: nothing reopens.
    await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-wang", active=True), org.uow, MEMBERSHIP)
    async with org.container.sessionmaker() as s:
        assert (await s.get_one(Account, c.wang)).status == AccountStatus.LEFT
    await refused(
        org.container,
        resend_membership_invitation(ResendMembershipInvitation(c.admin, invitation.id), org.uow, MEMBERSHIP),
        Conflict,
        "role_ended",
    )


async def test_someone_who_left_dingtalk_holding_roles_is_not_revived_by_a_new_role(org: Org) -> None:
    c = await _centre(org)
    other = await _centre(org, "宁波分中心", code="12330100MB0123456R", admin_mobile="13800000011", prefix="1370000")
    async with org.uow as uow:  # DingTalk told us they left the organisation
        account = await uow.session.get_one(Account, c.wang, with_for_update=True)
        account.status = AccountStatus.LEFT
        await uow.commit()
    await refused(
        org.container,
        add_expert(AddExpert(other.admin, other.inst, "王技转", "13600000002"), org.uow),
        Conflict,
        "account_left",
    )


async def test_one_account_cannot_text_many_numbers_for_a_mobile_change(org: Org, policy: AuthPolicy) -> None:
    c = await _centre(org)
    for n in range(policy.mobile_change_codes_per_account):
        await request_mobile_change_code(
            RequestMobileChangeCode(c.wang, f"1370000{n + 100:04d}"), org.uow, policy, org.quota
        )
    await refused(
        org.container,
        request_mobile_change_code(RequestMobileChangeCode(c.wang, "13700009999"), org.uow, policy, org.quota),
        SmsTooFrequent,
        "sms_too_frequent",
    )
