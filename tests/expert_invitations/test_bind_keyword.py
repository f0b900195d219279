"""「绑定」 and the 绑定信息 menu button, through the sandbox: an expert not yet bound gets the mini-program bind link
(with their invitation's token) as a customer-service message; once bound, the reply says as whom."""

from __future__ import annotations

from cards.official_account import WeChatRoles, bound_text
from tests.expert_invitations.test_sandbox_flow import _inbox, _invited_and_following, _pending_session
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"


async def test_bind_keyword_sends_the_link_until_bound_then_says_as_whom(service: Service) -> None:  # noqa: F811
    _, persona = await _invited_and_following(service, "13912345670", "周学者")
    asked = await service.call("POST", f"{WX}/console/text", {"person_id": persona.id, "content": "绑定"})
    assert asked["reply"] is None  # the link goes as a customer-service message, the only kind that carries it
    assert await service.relay_once() == 1
    links = await _inbox(service, persona.id, "wechat.custom")
    assert len(links) == 2  # the invitation's bind message, then the answer to 「绑定」
    assert "前往绑定信息" in links[1]["body"] and "invitation=" in links[1]["actions"][0]["body"]["path"]

    token = await _pending_session(service, persona)
    phone = (await service.call("POST", f"{WX}/console/phone-code", {"person_id": persona.id}))["code"]
    bound = await service.client.post(
        "/api/v1/auth/mini-program-bind", json={"code": phone}, headers={"Authorization": f"Bearer {token}"}
    )
    assert bound.status == 200, await bound.text()

    for url, body in (
        (f"{WX}/console/text", {"person_id": persona.id, "content": "绑定"}),
        (f"{WX}/console/click", {"person_id": persona.id, "key": "bind"}),
    ):
        answer = await service.call("POST", url, body)
        assert answer["reply"]["Content"] == bound_text("周学者", WeChatRoles(expert=True, contact=False))
    assert await service.relay_once() == 0  # nothing more to send once bound


async def test_a_follower_we_do_not_know_gets_the_plain_bind_link(service: Service) -> None:  # noqa: F811
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    answer = await service.call("POST", f"{WX}/console/click", {"person_id": "expert", "key": "bind"})
    assert answer["reply"] is None
    assert await service.relay_once() == 1
    [link] = await _inbox(service, "expert", "wechat.custom")
    path = link["actions"][0]["body"]["path"]
    assert path.startswith("pages/bind/index") and "invitation=" not in path
