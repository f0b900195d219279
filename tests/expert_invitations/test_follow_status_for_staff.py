"""Staff see whether pushes reach an expert: 已关注公众号 once they follow, 已取消关注公众号 (with when) after they
leave, on the expert list and the expert's page."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from store.models.auth import SessionKind
from store.models.organisation import Account
from tests.expert_invitations.test_sandbox_flow import _invited_and_following
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"
ADMIN_MOBILE = "13900000001"  # the institution admin _invited_and_following creates


async def _as_admin(service: Service) -> dict[str, str]:  # noqa: F811
    async with service.container.uow() as uow:
        admin = await uow.session.scalar(select(Account.id).where(Account.mobile == ADMIN_MOBILE))
        issued = await issue_session(uow, service.container.auth_policy, admin, SessionKind.MICRO_APP)
        await uow.commit()
    return {"Authorization": f"Bearer {issued.token}"}


async def _get(service: Service, path: str, headers: dict[str, str]) -> Any:  # noqa: F811
    response = await service.client.get(path, headers=headers)
    assert response.status == 200, await response.text()
    return await response.json()


async def test_staff_see_that_an_expert_unfollowed(service: Service) -> None:  # noqa: F811
    _, persona = await _invited_and_following(service, "13912345671", "郑学者")
    auth = await _as_admin(service)
    [listed] = (await _get(service, "/api/v1/experts", auth))["items"]
    assert (listed["wechat_status"], listed["wechat_status_label"]) == ("following", "已关注公众号")

    clock = service.container.clock
    assert isinstance(clock, ManualClock)
    clock.advance(3600)
    await service.call("POST", f"{WX}/console/unfollow", {"person_id": persona.id})
    [listed] = (await _get(service, "/api/v1/experts", auth))["items"]
    assert (listed["wechat_status"], listed["wechat_status_label"]) == ("unfollowed", "已取消关注公众号")
    assert listed["wechat_status_since"] is not None
    page = await _get(service, f"/api/v1/experts/{listed['expert_id']}", auth)
    assert (page["wechat_status"], page["wechat_status_label"]) == ("unfollowed", "已取消关注公众号")
