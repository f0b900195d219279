"""Acceptance, end to end through the sandbox: an institution admin adds an expert → the relay makes the QR
code and sends the SMS → the expert opens the link on their phone and follows with the QR scene (pushed into
our webhook signed and encrypted) → the 「前往绑定信息」 message arrives → mini-program login (pending) →
phone authorization with the matching phone binds; a different phone is refused and nothing is bound."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from handlers.auth.errors import BIND_ACCOUNT_NOT_FOUND
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.institutions.create_institution import CreateInstitution, create_institution
from handlers.reference.regions import Regions
from sandbox.state import Persona
from store.models.auth import AuthSession, MiniProgramBinding
from store.models.expert_invitations import ExpertInvitation, ExpertInvitationStatus
from store.models.outbox import OutboxMessage, OutboxStatus
from tests.organisation.conftest import make_system_admin
from tests.policies import DEMANDS, MEMBERSHIP
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"
INSTITUTION = "浙江大学技术转移中心"


async def _add_expert(service: Service, mobile: str, name: str) -> int:  # noqa: F811
    uow = service.container.uow
    system_admin = await make_system_admin(uow(), mobile="13900000000")
    created = await create_institution(
        CreateInstitution(
            actor_id=system_admin,
            name=INSTITUTION,
            credit_code="12330000470003281H",
            type="university",
            region_code="330106",
            admin_name="林管理",
            admin_mobile="13900000001",
        ),
        uow(),
        Regions.load(),
        fee_floor_bp=DEMANDS.fee_floor_bp,
        membership=MEMBERSHIP,
    )
    added = await add_expert(AddExpert(created.admin_account_id, created.institution_id, name, mobile), uow())
    return added.account_id


async def _inbox(service: Service, person_id: str, channel: str) -> list[dict[str, Any]]:  # noqa: F811
    items = (await service.call("GET", f"/sandbox/api/people/{person_id}/inbox"))["items"]
    return [i for i in items if i["channel"] == channel]


async def _press(service: Service, action: dict[str, Any]) -> Any:  # noqa: F811
    return await service.call("POST", f"/sandbox{action['url']}", action["body"])


async def _invited_and_following(service: Service, mobile: str, name: str) -> tuple[int, Persona]:  # noqa: F811
    """Adds the expert and plays the phone up to the bind message; returns the account and the persona."""
    account_id = await _add_expert(service, mobile, name)
    # The institution admin's DingTalk invitation, and wechat.invite_qrcode: the QR code, then the SMS is enqueued.
    assert await service.relay_once() == 2
    assert await service.relay_once() == 1  # sms
    assert service.container.sandbox is not None
    persona = service.container.sandbox.find(mobile)
    assert persona is not None, "the sandbox gives a number added at run time a phone"
    people = (await service.call("GET", "/sandbox/api/people"))["people"]
    assert any(p["id"] == persona.id and p["mobile"] == mobile for p in people)

    [sms] = await _inbox(service, persona.id, "sms")
    assert INSTITUTION in sms["body"] and name in sms["body"] and "关注公众号" in sms["body"]
    [open_link] = sms["actions"]
    assert "/i/" in open_link["body"]["url"]
    scanned = await _press(service, open_link)  # opens our page, which shows the QR code; long-press follows
    assert scanned["reply"] is None  # the bind message comes as a customer-service message

    async with service.container.sessionmaker() as session:
        invitation = (await session.scalars(select(ExpertInvitation))).one()
    assert invitation.status == ExpertInvitationStatus.FOLLOWED and invitation.official_openid == persona.wechat_openid
    assert await service.relay_once() == 1  # wechat.custom
    [bind] = await _inbox(service, persona.id, "wechat.custom")
    assert "前往绑定信息" in bind["body"] and 'data-miniprogram-appid="' in bind["body"]
    assert bind["actions"] and "pages/bind/index" in bind["actions"][0]["body"]["path"]
    return account_id, persona


async def _pending_session(service: Service, persona: Persona) -> str:  # noqa: F811
    code = (await service.call("POST", f"{WX}/console/login-code", {"person_id": persona.id}))["code"]
    response = await service.client.post("/api/v1/auth/mini-program-login", json={"code": code})
    assert response.status == 200, await response.text()
    session = await response.json()
    assert session["bound"] is False
    return str(session["token"])


async def test_expert_invited_by_sms_follows_and_binds_with_the_matching_phone(service: Service) -> None:  # noqa: F811
    account_id, persona = await _invited_and_following(service, "13912345678", "钱学者")
    token = await _pending_session(service, persona)
    auth = {"Authorization": f"Bearer {token}"}

    phone = (await service.call("POST", f"{WX}/console/phone-code", {"person_id": persona.id}))["code"]
    response = await service.client.post("/api/v1/auth/mini-program-bind", json={"code": phone}, headers=auth)
    assert response.status == 200, await response.text()
    bound = await response.json()
    assert bound["bound"] is True and bound["account_id"] == account_id

    me = await service.client.get("/api/v1/me", headers=auth)
    assert me.status == 200
    body = await me.json()
    assert body["account"]["name"] == "钱学者" and {"role": "expert"}.items() <= body["roles"][0].items()
    async with service.container.sessionmaker() as session:
        binding = (await session.scalars(select(MiniProgramBinding))).one()
        invitation = (await session.scalars(select(ExpertInvitation))).one()
    assert binding.account_id == account_id and binding.openid == f"mini-{persona.wechat_openid}"
    assert binding.unionid == f"u-{persona.wechat_openid}"  # links the official-account follower
    assert invitation.status == ExpertInvitationStatus.BOUND

    # A later wx.login finds the binding straight away.
    code = (await service.call("POST", f"{WX}/console/login-code", {"person_id": persona.id}))["code"]
    again = await (await service.client.post("/api/v1/auth/mini-program-login", json={"code": code})).json()
    assert again["bound"] is True and again["account_id"] == account_id
    # Scanning the invitation again now says so instead of offering a second binding.
    [sms] = await _inbox(service, persona.id, "sms")
    refused = await service.client.post(f"/sandbox{sms['actions'][0]['url']}", json=sms["actions"][0]["body"])
    assert refused.status == 409  # the page no longer shows the QR code of a completed invitation


async def test_a_different_phone_is_refused_and_nothing_is_bound(service: Service) -> None:  # noqa: F811
    _, persona = await _invited_and_following(service, "13912345679", "孙学者")
    token = await _pending_session(service, persona)
    auth = {"Authorization": f"Bearer {token}"}

    phone = (
        await service.call("POST", f"{WX}/console/phone-code", {"person_id": persona.id, "mobile": "13700000000"})
    )["code"]
    response = await service.client.post("/api/v1/auth/mini-program-bind", json={"code": phone}, headers=auth)
    assert response.status == 404
    error = (await response.json())["error"]
    assert error == {"code": "account_not_found", "message": BIND_ACCOUNT_NOT_FOUND}
    assert error["message"] == "账号不存在，请联系法人机构管理员确认信息是否已加入系统"

    async with service.container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(MiniProgramBinding)) == 0
        assert await session.scalar(select(AuthSession.account_id).where(AuthSession.openid.is_not(None))) is None
        invitation = (await session.scalars(select(ExpertInvitation))).one()
    assert invitation.status == ExpertInvitationStatus.FOLLOWED
    still_pending = await service.client.get("/api/v1/me", headers=auth)
    assert still_pending.status == 401 and (await still_pending.json())["error"]["code"] == "binding_required"

    # The phone code is one-shot: the same code again is a clear error, not a second lookup.
    reused = await service.client.post("/api/v1/auth/mini-program-bind", json={"code": phone}, headers=auth)
    assert reused.status == 401 and (await reused.json())["error"]["code"] == "invalid_phone_code"


async def test_the_console_bind_action_plays_the_mini_program(service: Service) -> None:  # noqa: F811
    account_id, persona = await _invited_and_following(service, "13912345670", "赵学者")
    [bind] = await _inbox(service, persona.id, "wechat.custom")
    result = await _press(service, bind["actions"][0])
    assert result["status"] == 200 and result["result"]["account_id"] == account_id
    [outcome] = await _inbox(service, persona.id, "mini_program")
    assert outcome["body"].startswith("赵学者，欢迎您以专家身份使用科转小程序！作为专家，您可以"), outcome["body"]
    assert result["result"]["roles"] == ["expert"]
    async with service.container.sessionmaker() as session:
        sms = (await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "sms"))).one()
    assert sms.status == OutboxStatus.SENT and sms.payload["params"]["institution"] == INSTITUTION


async def test_a_failed_qr_call_is_retried_and_sends_no_sms_until_it_works(service: Service) -> None:  # noqa: F811
    await service.call("POST", f"{WX}/__sandbox__/faults", {"/cgi-bin/qrcode/create": [-1]})
    await _add_expert(service, "13912345671", "吴学者")
    # The institution admin's DingTalk invitation goes; the QR platform was busy: retried later, nothing recorded.
    assert await service.relay_once() == 2
    async with service.container.sessionmaker() as session:
        work = (
            await session.scalars(select(OutboxMessage).where(OutboxMessage.channel == "wechat.invite_qrcode"))
        ).one()
        invitation = (await session.scalars(select(ExpertInvitation))).one()
    assert work.status == OutboxStatus.PENDING and work.attempts == 1 and invitation.qr_ticket is None
    assert service.container.sandbox is not None and service.container.sandbox.find("13912345671") is None

    async with service.container.uow() as uow:  # skip the backoff
        row = await uow.session.get(OutboxMessage, work.id)
        assert row is not None
        row.next_attempt_at = uow.clock.now()
        await uow.commit()
    assert await service.relay_once() == 1
    assert await service.relay_once() == 1
    assert service.container.sandbox.find("13912345671") is not None


async def test_the_sms_link_of_an_unknown_invitation_says_so(service: Service) -> None:  # noqa: F811
    response = await service.client.get("/i/not-an-invitation", allow_redirects=False)
    assert response.status == 404 and "邀请链接无效" in await response.text()


async def test_the_bind_route_is_documented_and_needs_the_pending_token(service: Service) -> None:  # noqa: F811
    document = await service.call("GET", "/api/v1/openapi.json")
    operation = document["paths"]["/auth/mini-program-bind"]["post"]
    assert operation.get("security") != [] and BIND_ACCOUNT_NOT_FOUND in operation["responses"]["404"]["description"]
    anonymous = await service.client.post("/api/v1/auth/mini-program-bind", json={"code": "x"})
    assert anonymous.status == 401
