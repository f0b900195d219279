"""Issue 5's acceptance, end to end through the sandbox DingTalk: an institution admin adds a staff member →
the relay asks DingTalk → the person's phone shows DingTalk's join invitation → 同意 → the contact event
reaches us over Stream → the account is active and bound → the welcome card arrives → 免登 signs them in.
Then they leave the organisation and lose access."""

from __future__ import annotations

from typing import Any

import pytest
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from bot.channels.base import OutboundMessage, PermanentError, TransientError
from bot.dingtalk.membership import membership_policy
from bot.dingtalk.stream import StreamRunner
from bot.settings import Settings
from handlers.clock import ManualClock
from handlers.institutions.create_centre import CreateCentre, create_centre
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.membership.policy import MembershipPolicy
from handlers.membership.revoke_membership_invitation import (
    RevokeMembershipInvitation,
    revoke_membership_invitation,
)
from handlers.staff.add_staff import AddStaff, add_staff
from sandbox.dingtalk.state import Fault
from store.models.auth import DingTalkBinding
from store.models.dingtalk import DingTalkContactEvent
from store.models.membership import InvitationStatus, PlatformState
from store.models.organisation import Account, AccountStatus
from store.models.outbox import OutboxMessage
from tests.dingtalk.conftest import DingTalkWorld, eventually, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, phone, stream  # noqa: F401  (fixtures)
from tests.membership.conftest import invitations_of
from tests.organisation.conftest import Org
from tests.policies import DEMANDS
from tests.test_outbox_relay import drain, relay_for

NEW_MOBILE = "13800000019"  # nobody's phone in the sandbox yet
WORKBENCH = "https://kezhuan.example.com/workbench/"


@pytest.fixture
def settings(settings: Settings, world: DingTalkWorld) -> Settings:  # noqa: F811
    dingtalk = world.settings().model_copy(update={"workbench_page_url": WORKBENCH})
    return settings.model_copy(update={"dingtalk": dingtalk})


@pytest.fixture
def policy(container: Container) -> MembershipPolicy:
    return membership_policy(container.settings.dingtalk)


async def press(api: TestClient[Any, Any], world: DingTalkWorld, action: dict[str, Any]) -> Any:  # noqa: F811
    # Console URLs are relative to /sandbox, where the DingTalk fake is mounted at /dingtalk.
    url = world.base_url + str(action["url"]).removeprefix("/dingtalk")
    async with api.session.post(url, json=action["body"]) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def account(container: Container, mobile: str) -> Account:
    async with container.sessionmaker() as session:
        found = await session.scalar(select(Account).where(Account.mobile == mobile))
        assert found is not None
        return found


async def test_add_staff_join_welcome_and_login_free_then_leave(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,
    policy: MembershipPolicy,  # noqa: F811
) -> None:
    # The institution's admin 李强 is a DingTalk member already (dt-li): taken in without a join invitation.
    created = await create_institution(
        CreateInstitution(
            org.admin_id,
            "浙江大学技术转移中心",
            "12330000470003281H",
            "university",
            "330106",
            "李强",
            "13800000002",
        ),
        org.uow,
        org.regions,
        membership=policy,
        fee_floor_bp=DEMANDS.fee_floor_bp,
    )
    centre = await create_centre(
        CreateCentre(created.admin_account_id, created.institution_id, "杭州钱塘分中心", "330114"), org.uow, org.regions
    )
    staff = await add_staff(
        AddStaff(created.admin_account_id, centre.centre_id, "钱七", NEW_MOBILE, "技术经纪人"),
        org.uow,
        membership=policy,
    )
    await drain(relay_for(container), clock)
    assert (await account(container, "13800000002")).status == AccountStatus.ACTIVE

    # DingTalk added 钱七 and sent its own invitation: a new phone in the console shows it with 同意.
    [invitation] = await invitations_of(container, staff.account_id)
    assert invitation.platform_state == PlatformState.JOIN_REQUESTED and invitation.dingtalk_userid
    userid = invitation.dingtalk_userid
    [join] = phone(world, NEW_MOBILE, "dingtalk.invitation")
    assert "邀请你加入组织" in join.body and [a["label"] for a in join.actions] == ["同意"]
    assert (await account(container, NEW_MOBILE)).status == AccountStatus.INVITED

    await press(api, world, join.actions[0])
    await eventually(lambda: _status(container, NEW_MOBILE, AccountStatus.ACTIVE))
    async with container.sessionmaker() as session:
        assert (
            await session.scalar(select(DingTalkBinding.userid).where(DingTalkBinding.account_id == staff.account_id))
            == userid
        )
    assert join.actions == []  # 同意 pressed once, gone from the invitation

    # The welcome card travels the outbox to the person's DingTalk, with the workbench entry.
    await drain(relay_for(container), clock)
    [welcome] = phone(world, NEW_MOBILE, "dingtalk.card")
    assert welcome.title == "欢迎加入科转"
    assert "钱七，您好！您已作为技转人员加入科转平台（浙江大学技术转移中心）" in welcome.body
    [enter] = welcome.actions
    assert enter["label"] == "进入工作台"
    link = enter["body"]["link"]
    assert link.startswith(
        "dingtalk://dingtalkclient/action/openapp?corpid=ding-sandbox-corp"
        "&container_type=work_platform&app_id=0_10001&redirect_type=jump&redirect_url=https%3A"
    )

    # Opening the workbench: the micro-app asks for a 免登 code, our API turns it into a session.
    opened = await press(api, world, enter)
    [workbench] = phone(world, NEW_MOBILE, "dingtalk.workbench")
    assert WORKBENCH in workbench.body
    response = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": opened["authCode"]})
    assert response.status == 200, await response.text()
    session = await response.json()
    assert session["account_id"] == staff.account_id and session["kind"] == "micro_app"
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {session['token']}"})
    assert me.status == 200

    # Leaving the organisation (a console action) deactivates the account and ends its sessions.
    [member] = [i for i in phone(world, NEW_MOBILE, "dingtalk.org") if i.actions]
    await press(api, world, member.actions[0])
    await eventually(lambda: _status(container, NEW_MOBILE, AccountStatus.LEFT))
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {session['token']}"})
    assert me.status == 401


async def test_a_revoked_invitation_accepted_in_dingtalk_tells_the_person_why(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],
    clock: ManualClock,
    policy: MembershipPolicy,  # noqa: F811
) -> None:
    institution_id, admin_id = await org.institution(mobile="13800000002")
    centre = await create_centre(
        CreateCentre(admin_id, institution_id, "杭州钱塘分中心", "330114"), org.uow, org.regions
    )
    staff = await add_staff(
        AddStaff(admin_id, centre.centre_id, "钱七", NEW_MOBILE, "技术经纪人"), org.uow, membership=policy
    )
    await drain(relay_for(container), clock)
    # DingTalk's user_add_org is applied (kept, then applied after its ack) long before anyone accepts.
    await eventually(lambda: _contact_events_applied(container, 1))
    [invitation] = await invitations_of(container, staff.account_id)
    await revoke_membership_invitation(RevokeMembershipInvitation(admin_id, invitation.id, "岗位调整"), org.uow)

    # DingTalk's invitation is DingTalk's: the person can still accept it, and then learns why nothing opens.
    [join] = phone(world, NEW_MOBILE, "dingtalk.invitation")
    await press(api, world, join.actions[0])
    await eventually(lambda: _outbox_has(container, "dingtalk.work_notice"))
    await drain(relay_for(container), clock)
    [notice] = phone(world, NEW_MOBILE, "dingtalk.work_notice")
    assert notice.body.startswith("科转平台：邀请已撤销：岗位调整")
    assert phone(world, NEW_MOBILE, "dingtalk.card") == []
    assert (await account(container, NEW_MOBILE)).status == AccountStatus.INVITED
    # And 免登 does not let them in through the back door.
    code = await _login_free_code(api, world, str(invitation.dingtalk_userid))
    refused = await api.post("/api/v1/auth/dingtalk-login", json={"authCode": code})
    assert refused.status == 403 and (await refused.json())["error"]["code"] == "invitation_closed"


async def test_an_invitation_revoked_before_the_relay_sends_nothing_to_dingtalk(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    clock: ManualClock,  # noqa: F811
) -> None:
    _, admin_id = await org.institution(mobile="13800000002")
    [invitation] = await invitations_of(container, admin_id)
    await revoke_membership_invitation(RevokeMembershipInvitation(org.admin_id, invitation.id, "填错了人"), org.uow)
    await drain(relay_for(container), clock)
    assert not any("/topapi/v2/user/" in path for _, path in world.state.journal)
    async with container.sessionmaker() as session:
        row = await session.scalar(select(OutboxMessage).where(OutboxMessage.channel == "dingtalk.membership"))
    assert row is not None and row.delivery_status == "withdrawn"


async def _contact_events_applied(container: Container, count: int) -> bool:
    async with container.sessionmaker() as session:
        statuses = list(await session.scalars(select(DingTalkContactEvent.status)))
    return len(statuses) == count and set(statuses) == {"done"}


async def _outbox_has(container: Container, channel: str) -> bool:
    async with container.sessionmaker() as session:
        return await session.scalar(select(OutboxMessage.id).where(OutboxMessage.channel == channel)) is not None


async def _login_free_code(api: TestClient[Any, Any], world: DingTalkWorld, userid: str) -> str:  # noqa: F811
    async with api.session.post(f"{world.base_url}/_fake/authcodes", json={"userId": userid}) as response:
        code: str = (await response.json())["code"]
    return code


async def test_the_channel_maps_platform_errors(
    org: Org,
    container: Container,
    world: DingTalkWorld,
    clock: ManualClock,  # noqa: F811
) -> None:
    channel = container.channels["dingtalk.membership"]
    _, admin_id = await org.institution(mobile="13800000031")
    [invitation] = await invitations_of(container, admin_id)
    message = OutboundMessage(
        1,
        "dingtalk.membership",
        "13800000031",
        {"invitation_id": invitation.id, "name": "林管理", "mobile": "13800000031", "title": "法人机构管理员"},
        f"membership:{invitation.id}",
        attempt=1,
    )
    # Throttled at the door (90018) on every retry: try later; nothing recorded.
    world.state.faults.append(Fault("90018", 10, "/topapi/v2/user/getbymobile"))
    with pytest.raises(TransientError):
        await channel.send(message)
    world.state.faults.clear()
    # A mobile DingTalk refuses (40104): a dead letter, and the admins' list says why.
    bad = OutboundMessage(
        2, message.channel, "1380000003x", {**message.payload, "mobile": "1380000003x"}, message.platform_key, attempt=1
    )
    with pytest.raises(PermanentError):
        await channel.send(bad)
    [invitation] = await invitations_of(container, admin_id)
    assert invitation.platform_state == PlatformState.FAILED and "40104" in (invitation.platform_error or "")
    assert invitation.status == InvitationStatus.PENDING
    # user/create acted but its answer was lost in a 5xx: try later. The next attempt finds the member by
    # mobile instead of creating a second one, and records that DingTalk's invitation is out.
    world.state.faults.append(Fault("500_after_acting", 1, "/topapi/v2/user/create"))
    with pytest.raises(TransientError):
        await channel.send(message)
    await channel.send(
        OutboundMessage(1, message.channel, message.recipient, message.payload, message.platform_key, attempt=2)
    )
    assert [u.userid for u in world.state.users.values() if u.mobile == "13800000031"] != []
    assert len([u for u in world.state.users.values() if u.mobile == "13800000031"]) == 1
    [invitation] = await invitations_of(container, admin_id)
    assert (invitation.platform_state, invitation.platform_error) == (PlatformState.JOIN_REQUESTED, None)
    assert len(phone(world, "13800000031", "dingtalk.invitation")) == 1


async def _status(container: Container, mobile: str, status: AccountStatus) -> bool:
    return (await account(container, mobile)).status == status
