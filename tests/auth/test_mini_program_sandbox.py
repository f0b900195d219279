"""Mini-program login end to end in sandbox mode: wx.login code → jscode2session → pending, then bound."""

from __future__ import annotations

from sqlalchemy import select

from store.models.auth import AuthSession, MiniProgramBinding
from tests.auth.conftest import make_account
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"


async def _code(service: Service) -> str:  # noqa: F811
    code: str = (await service.call("POST", f"{WX}/console/login-code", {"person_id": "expert"}))["code"]
    return code


async def test_mini_program_login_pending_then_bound(service: Service) -> None:  # noqa: F811
    api = service.client
    response = await api.post("/api/v1/auth/mini-program-login", json={"code": await _code(service)})
    assert response.status == 200, await response.text()
    pending = await response.json()
    assert pending["bound"] is False and pending["account_id"] is None
    refused = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {pending['token']}"})
    assert refused.status == 401 and (await refused.json())["error"]["code"] == "binding_required"

    # What the binding flow will do: attach an account to the openid the pending session carries.
    async with service.container.sessionmaker() as session:
        openid = await session.scalar(select(AuthSession.openid).where(AuthSession.account_id.is_(None)))
    assert openid
    account_id = await make_account(service.container.uow(), "13800000005", name="陈专家", role=None)
    async with service.container.uow() as uow:
        uow.session.add(
            MiniProgramBinding(account_id=account_id, openid=openid, unionid=None, created_at=uow.clock.now())
        )
        await uow.commit()

    code = await _code(service)
    bound = await (await api.post("/api/v1/auth/mini-program-login", json={"code": code})).json()
    assert bound["bound"] is True and bound["account_id"] == account_id
    me = await api.get("/api/v1/me", headers={"Authorization": f"Bearer {bound['token']}"})
    assert me.status == 200 and (await me.json())["account"]["name"] == "陈专家"
    reused = await api.post("/api/v1/auth/mini-program-login", json={"code": code})
    assert reused.status == 401 and (await reused.json())["error"]["code"] == "invalid_login_code"
