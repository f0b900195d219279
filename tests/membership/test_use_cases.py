"""Membership invitations at the use-case level: DingTalk's answers and contact events given directly."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.contacts import ContactEvents
from handlers.auth.login_with_dingtalk import LoginWithDingTalk, login_with_dingtalk
from handlers.auth.policy import AuthPolicy
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.errors import Conflict, InvalidInput, NotFound
from handlers.membership.apply_membership_event import MemberFacts
from handlers.membership.expire_membership_invitations import expire_membership_invitations
from handlers.membership.invitations import InvitationClosed
from handlers.membership.list_membership_invitations import ListMembershipInvitations, list_membership_invitations
from handlers.membership.policy import MembershipPolicy
from handlers.membership.record_dingtalk_member import RecordDingTalkMember, record_dingtalk_member
from handlers.membership.resend_membership_invitation import (
    ResendMembershipInvitation,
    resend_membership_invitation,
)
from handlers.membership.revoke_membership_invitation import (
    RevokeMembershipInvitation,
    revoke_membership_invitation,
)
from handlers.officials.create_official import CreateOfficial, create_official
from store.models.audit import AuditEntry
from store.models.auth import AuthSession, DingTalkBinding, SessionKind
from store.models.membership import InvitationStatus, PlatformState
from store.models.organisation import Account, AccountStatus
from tests.membership.conftest import Institution, invitations_of, outbox
from tests.organisation.conftest import refused

POLICY = MembershipPolicy(invitation_days=7, workbench_link="dingtalk://dingtalkclient/action/openapp?corpid=c")


@dataclass
class FakeMembers:
    """DingTalk's user detail as the contact-event adapter would read it."""

    known: dict[str, MemberFacts] = field(default_factory=dict)

    async def member(self, userid: str) -> MemberFacts | None:
        return self.known.get(userid)


def events(container: Container, members: FakeMembers | None = None) -> ContactEvents:
    return ContactEvents(container.uow, container.clock, members=members or FakeMembers(), policy=POLICY)


async def event(
    container: Container, kind: str, userid: str, *, event_id: str, members: FakeMembers | None = None
) -> None:
    handler = events(container, members)
    await handler.handle(message_id=f"m-{event_id}", event_type=kind, event_id=event_id, data={"userId": [userid]})
    await handler.flush()  # applied in the background, after the ack


async def account(container: Container, account_id: int) -> Account:
    async with container.sessionmaker() as session:
        found = await session.get(Account, account_id)
        assert found is not None
        return found


async def binding(container: Container, account_id: int) -> str | None:
    async with container.sessionmaker() as session:
        return await session.scalar(select(DingTalkBinding.userid).where(DingTalkBinding.account_id == account_id))


async def test_adding_staff_invites_and_the_join_event_activates_once(inst: Institution) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    assert (invitation.status, invitation.platform_state) == (InvitationStatus.PENDING, PlatformState.QUEUED)
    assert invitation.expires_at == c.clock.now() + timedelta(days=7)
    [message] = await outbox(c, "dingtalk.membership", "13800000009")
    assert message.recipient == "13800000009"
    assert message.payload == {
        "invitation_id": invitation.id,
        "name": "孙丽",
        "mobile": "13800000009",
        "title": "技术经纪人",
    }
    assert (await account(c, added.account_id)).status == AccountStatus.INVITED

    # The relay reached DingTalk: user/create made dt-sun, who has not accepted yet.
    assert not await record_dingtalk_member(
        RecordDingTalkMember(invitation.id, "dt-sun", active=False), c.uow(), POLICY
    )
    [invitation] = await invitations_of(c, added.account_id)
    assert (invitation.platform_state, invitation.dingtalk_userid) == (PlatformState.JOIN_REQUESTED, "dt-sun")
    # user_add_org for a member who has not accepted changes nothing.
    await event(
        c,
        "user_add_org",
        "dt-sun",
        event_id="e0",
        members=FakeMembers({"dt-sun": MemberFacts("dt-sun", "13800000009", active=False)}),
    )
    assert (await account(c, added.account_id)).status == AccountStatus.INVITED

    # 同意: user_active_org, delivered twice (same eventId), activates once and welcomes once.
    for _ in range(2):
        await event(c, "user_active_org", "dt-sun", event_id="e1")
    assert (await account(c, added.account_id)).status == AccountStatus.ACTIVE
    assert await binding(c, added.account_id) == "dt-sun"
    [invitation] = await invitations_of(c, added.account_id)
    assert (invitation.status, invitation.platform_state) == (InvitationStatus.ACCEPTED, PlatformState.MEMBER)
    [card] = await outbox(c, "dingtalk.card", "dt-sun")
    assert card.platform_key == f"welcome:{invitation.id}"
    assert card.payload["card_data"] == {
        "name": "孙丽",
        "role": "技转人员",
        "scope": "（浙江大学技术转移中心）",
        "workbench_url": POLICY.workbench_link,
    }
    # A second genuine activation event (another eventId) is a no-op too.
    await event(c, "user_active_org", "dt-sun", event_id="e2")
    assert len(await outbox(c, "dingtalk.card", "dt-sun")) == 1
    async with c.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action).where(
                    AuditEntry.aggregate_type == "account", AuditEntry.aggregate_id == str(added.account_id)
                )
            )
        )
    assert actions[-3:] == ["dingtalk_invited", "dingtalk_join_requested", "dingtalk_joined"]


async def test_an_active_member_found_by_mobile_is_taken_in_at_once(inst: Institution) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    assert await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=True), c.uow(), POLICY)
    assert (await account(c, added.account_id)).status == AccountStatus.ACTIVE
    assert await binding(c, added.account_id) == "dt-sun"
    assert len(await outbox(c, "dingtalk.card", "dt-sun")) == 1
    # The same answer again (a relay retry after a lost settle) changes nothing.
    assert not await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=True), c.uow(), POLICY)
    assert len(await outbox(c, "dingtalk.card", "dt-sun")) == 1


async def test_user_add_org_of_an_active_member_and_an_event_before_the_relay(inst: Institution) -> None:
    c = inst.org.container
    first = await inst.add_staff(membership=POLICY)
    second = await inst.add_staff("周八", "13800000010", membership=POLICY)
    # Already active in DingTalk: user_add_org is the only event there is. The relay has recorded no userid
    # yet, so the mobile from the user detail finds the invitation.
    members = FakeMembers(
        {
            "dt-a": MemberFacts("dt-a", "13800000009", active=True),
            "dt-b": MemberFacts("dt-b", "13800000010", active=True),
        }
    )
    await event(c, "user_add_org", "dt-a", event_id="a", members=members)
    await event(c, "user_active_org", "dt-b", event_id="b", members=members)
    assert await binding(c, first.account_id) == "dt-a"
    assert await binding(c, second.account_id) == "dt-b"
    assert {(await account(c, i)).status for i in (first.account_id, second.account_id)} == {AccountStatus.ACTIVE}


async def test_an_expired_invitation_does_not_activate_and_says_why(inst: Institution, clock: ManualClock) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=False), c.uow(), POLICY)
    clock.advance(timedelta(days=7, seconds=1).total_seconds())
    await event(c, "user_active_org", "dt-sun", event_id="late")
    assert (await account(c, added.account_id)).status == AccountStatus.INVITED
    assert await binding(c, added.account_id) is None
    [invitation] = await invitations_of(c, added.account_id)
    assert invitation.status == InvitationStatus.EXPIRED
    [notice] = await outbox(c, "dingtalk.work_notice", "dt-sun")
    assert notice.payload["msg"]["text"]["content"] == "科转平台：邀请已过期，请联系管理员重新邀请"
    assert await outbox(c, "dingtalk.card", "dt-sun") == []

    # The admin invites again: a new invitation and a new request to DingTalk, which finds the member active.
    resent = await resend_membership_invitation(
        ResendMembershipInvitation(inst.admin_id, invitation.id), c.uow(), POLICY
    )
    assert resent.invitation_id is not None and resent.invitation_id != invitation.id
    assert len(await outbox(c, "dingtalk.membership", "13800000009")) == 2
    await refused(
        c,
        resend_membership_invitation(ResendMembershipInvitation(inst.admin_id, resent.invitation_id), c.uow(), POLICY),
        Conflict,
        "invitation_still_pending",
    )
    assert await record_dingtalk_member(
        RecordDingTalkMember(resent.invitation_id, "dt-sun", active=True), c.uow(), POLICY
    )
    assert (await account(c, added.account_id)).status == AccountStatus.ACTIVE


async def test_the_scheduler_expires_overdue_invitations(inst: Institution, clock: ManualClock) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    assert await expire_membership_invitations(c.uow()) == 0
    listed = await list_membership_invitations(ListMembershipInvitations(inst.admin_id, "pending"), c.uow())
    # The staff member's and the admin's own (created with the institution), newest first.
    assert [i.account_id for i in listed.items] == [added.account_id, inst.admin_id]
    clock.advance(timedelta(days=8).total_seconds())
    # Overdue reads expired before the job has run, and the job then makes it so.
    listed = await list_membership_invitations(ListMembershipInvitations(inst.admin_id, "expired"), c.uow())
    assert [i.status for i in listed.items] == ["expired", "expired"]
    assert (await list_membership_invitations(ListMembershipInvitations(inst.admin_id, "pending"), c.uow())).total == 0
    assert await expire_membership_invitations(c.uow()) == 2
    assert await expire_membership_invitations(c.uow()) == 0
    [invitation] = await invitations_of(c, added.account_id)
    assert invitation.status == InvitationStatus.EXPIRED


async def test_revocation_with_a_reason_the_person_is_told(inst: Institution) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=False), c.uow(), POLICY)
    await refused(
        c,
        revoke_membership_invitation(RevokeMembershipInvitation(inst.admin_id, invitation.id, " "), c.uow()),
        InvalidInput,
        "missing_field",
    )
    other_inst, other_admin = await inst.org.institution("第二家机构", "52330106MJ8765432T", mobile="13800000020")
    await refused(
        c,
        revoke_membership_invitation(RevokeMembershipInvitation(other_admin, invitation.id, "不是我的"), c.uow()),
        NotFound,
        "invitation_not_found",
    )
    await revoke_membership_invitation(RevokeMembershipInvitation(inst.admin_id, invitation.id, "岗位调整"), c.uow())
    await refused(
        c,
        revoke_membership_invitation(RevokeMembershipInvitation(inst.admin_id, invitation.id, "再撤"), c.uow()),
        Conflict,
        "invitation_not_pending",
    )
    # The person still accepts DingTalk's invitation (it is DingTalk's, not ours): nothing is activated.
    await event(c, "user_active_org", "dt-sun", event_id="after-revoke")
    assert (await account(c, added.account_id)).status == AccountStatus.INVITED
    [notice] = await outbox(c, "dingtalk.work_notice", "dt-sun")
    assert notice.payload["msg"]["text"]["content"] == "科转平台：邀请已撤销：岗位调整"
    # The system admin sees every invitation; the other institution's admin none of these.
    everyone = await list_membership_invitations(ListMembershipInvitations(inst.org.admin_id), c.uow())
    assert {i.status for i in everyone.items if i.account_id == added.account_id} == {"revoked"}
    theirs = await list_membership_invitations(ListMembershipInvitations(other_admin), c.uow())
    assert added.account_id not in {i.account_id for i in theirs.items}


async def test_leaving_the_organisation_deactivates_and_ends_sessions(inst: Institution, policy: AuthPolicy) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=True), c.uow(), POLICY)
    async with c.uow() as uow:
        await issue_session(uow, policy, added.account_id, SessionKind.MICRO_APP)
        await uow.commit()
    for _ in range(2):  # redelivered
        await event(c, "user_leave_org", "dt-sun", event_id="bye")
    assert (await account(c, added.account_id)).status == AccountStatus.LEFT
    assert await binding(c, added.account_id) is None
    async with c.sessionmaker() as session:
        assert [
            s.revoked_at is not None
            for s in await session.scalars(select(AuthSession).where(AuthSession.account_id == added.account_id))
        ] == [True]
        left = list(await session.scalars(select(AuditEntry).where(AuditEntry.action == "dingtalk_left")))
    assert len(left) == 1 and '"dt-sun"' in left[0].data and '"staff"' in left[0].data


async def test_an_admin_invites_a_member_who_left_dingtalk_back(inst: Institution) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [first] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(first.id, "dt-sun", active=True), c.uow(), POLICY)
    await event(c, "user_leave_org", "dt-sun", event_id="bye")
    assert (await account(c, added.account_id)).status == AccountStatus.LEFT

    again = await resend_membership_invitation(ResendMembershipInvitation(inst.admin_id, first.id), c.uow(), POLICY)
    assert again.invitation_id is not None and (await account(c, added.account_id)).status == AccountStatus.INVITED
    # DingTalk gives a member who rejoins a new userid.
    await record_dingtalk_member(RecordDingTalkMember(again.invitation_id, "dt-sun-2", active=True), c.uow(), POLICY)
    assert (await account(c, added.account_id)).status == AccountStatus.ACTIVE
    assert await binding(c, added.account_id) == "dt-sun-2"


async def test_a_closed_invitation_is_no_way_in_by_login_free(inst: Institution, policy: AuthPolicy) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    await revoke_membership_invitation(RevokeMembershipInvitation(inst.admin_id, invitation.id, "岗位调整"), c.uow())

    class Directory:  # the person accepted DingTalk's invitation anyway: DingTalk knows them by mobile
        async def userid_for_auth_code(self, code: str) -> str | None:
            return "dt-sun"

        async def mobile_of(self, userid: str) -> str | None:
            return "13800000009"

    error = await refused(
        c,
        login_with_dingtalk(LoginWithDingTalk("code"), c.uow(), policy, Directory()),
        InvitationClosed,
        "invitation_closed",
    )
    assert error.message == "您的邀请已过期或已撤销，请联系管理员重新邀请"


async def test_officials_are_invited_too_and_a_bound_member_is_not_invited_again(inst: Institution) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [invitation] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(invitation.id, "dt-sun", active=True), c.uow(), POLICY)
    # The same person, already our bound member, becomes an official: no second invitation.
    await create_official(
        CreateOfficial(inst.org.admin_id, "孙丽", "13800000009", "330114"), c.uow(), inst.org.regions, membership=POLICY
    )
    assert len(await invitations_of(c, added.account_id)) == 1
    # A new official is invited; only the system admin manages that invitation.
    official = await create_official(
        CreateOfficial(inst.org.admin_id, "赵局长", "13800000006", "330100"),
        c.uow(),
        inst.org.regions,
        membership=POLICY,
    )
    [theirs] = await invitations_of(c, official.account_id)
    assert (theirs.role, theirs.institution_id, theirs.title) == ("official", None, "科技管理人员")
    await refused(
        c,
        revoke_membership_invitation(RevokeMembershipInvitation(inst.admin_id, theirs.id, "不归我管"), c.uow()),
        NotFound,
        "invitation_not_found",
    )
    await revoke_membership_invitation(RevokeMembershipInvitation(inst.org.admin_id, theirs.id, "任命撤回"), c.uow())


async def test_an_event_overtaking_the_relay_after_a_resend_finds_the_open_invitation(
    inst: Institution, clock: ManualClock
) -> None:
    c = inst.org.container
    added = await inst.add_staff(membership=POLICY)
    [old] = await invitations_of(c, added.account_id)
    await record_dingtalk_member(RecordDingTalkMember(old.id, "dt-sun", active=False), c.uow(), POLICY)
    clock.advance(timedelta(days=8).total_seconds())
    resent = await resend_membership_invitation(ResendMembershipInvitation(inst.admin_id, old.id), c.uow(), POLICY)
    # 同意 before the relay has told us the new invitation's userid: the open one counts, not the expired one.
    await event(c, "user_active_org", "dt-sun", event_id="x")
    assert (await account(c, added.account_id)).status == AccountStatus.ACTIVE
    assert [(i.id, i.status) for i in await invitations_of(c, added.account_id)] == [
        (old.id, InvitationStatus.EXPIRED),
        (resent.invitation_id, InvitationStatus.ACCEPTED),
    ]
    assert await outbox(c, "dingtalk.work_notice", "dt-sun") == []
