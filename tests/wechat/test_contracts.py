"""Independent clients against our sandboxes: wechatpy's WeChatClient and Aliyun's dysmsapi SDK.

Both are synchronous (requests), so they run in a thread while the servers run on this loop.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestServer
from alibabacloud_dysmsapi20170525.client import Client as DysmsClient
from alibabacloud_dysmsapi20170525.models import SendSmsRequest
from alibabacloud_tea_openapi.utils_models import Config
from wechatpy import WeChatClient
from wechatpy.exceptions import WeChatClientException

from handlers.clock import ManualClock
from sandbox.demo.people import PEOPLE
from sandbox.sms.app import SmsSandbox, SmsSandboxState, create_sms_sandbox
from sandbox.sms.credentials import SANDBOX_SMS
from sandbox.state import SandboxState
from sandbox.wechat.credentials import SANDBOX_ACCOUNT
from tests.wechat.sandboxed import Service

WX = "/sandbox/wechat"


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


def wechatpy_client(
    base: str, *, appid: str = SANDBOX_ACCOUNT.app_id, secret: str = SANDBOX_ACCOUNT.app_secret
) -> WeChatClient:
    class SandboxWeChatClient(WeChatClient):  # type: ignore[misc]
        API_BASE_URL = f"{base}/cgi-bin/"

        def fetch_access_token(self) -> dict[str, Any]:
            params = {"grant_type": "client_credential", "appid": self.appid, "secret": self.secret}
            result: dict[str, Any] = self._fetch_access_token(url=f"{base}/cgi-bin/token", params=params)
            return result

    client = SandboxWeChatClient(appid, secret)
    client.wxa.API_BASE_URL = f"{base}/"
    return client


async def test_wechatpy_client_against_the_sandbox(service: Service) -> None:
    base = str(service.client.make_url(WX))
    client = wechatpy_client(base)
    qr = await asyncio.to_thread(
        client.qrcode.create,
        {"expire_seconds": 3600, "action_name": "QR_STR_SCENE", "action_info": {"scene": {"scene_str": "inv:9"}}},
    )
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert", "ticket": qr["ticket"]})
    user = await asyncio.to_thread(client.user.get, "o-chen")
    assert user["subscribe"] == 1 and user["qr_scene_str"] == "inv:9"
    await service.call("POST", f"{WX}/__sandbox__/faults", {"/cgi-bin/message/template/send": [40001]})
    sent = await asyncio.to_thread(
        client.message.send_template, "o-chen", "TPL_DIGEST", {"thing1": {"value": "今日新增 1 条匹配需求"}}
    )
    assert sent["errcode"] == 0 and sent["msgid"]  # wechatpy refetched the token and retried
    menu = await asyncio.to_thread(client.menu.create, {"button": [{"type": "click", "name": "帮助", "key": "help"}]})
    assert menu["errcode"] == 0
    with pytest.raises(WeChatClientException) as refused:
        await asyncio.to_thread(client.message.send_template, "o-nobody", "TPL", {"a": {"value": "b"}})
    assert refused.value.errcode == 40003
    code = (await service.call("POST", f"{WX}/console/login-code", {"person_id": "expert"}))["code"]
    with pytest.raises(WeChatClientException) as official_app:
        await asyncio.to_thread(client.wxa.code_to_session, code)
    assert official_app.value.errcode == 40013  # the mini-program's own appid is needed
    mini = wechatpy_client(base, appid=SANDBOX_ACCOUNT.mini_app_id, secret=SANDBOX_ACCOUNT.mini_app_secret)
    session = await asyncio.to_thread(mini.wxa.code_to_session, code)
    assert session["unionid"] == user["unionid"]
    await service.call("POST", f"{WX}/__sandbox__/flush")


@pytest.fixture
async def sms_sandbox(clock: ManualClock) -> AsyncIterator[tuple[str, list[Any], SandboxState]]:
    received: list[Any] = []

    async def receipts(request: web.Request) -> web.Response:
        received.extend(json.loads(await request.read()))
        return web.json_response({"code": 0, "msg": "成功"})

    receiver_app = web.Application()
    receiver_app.router.add_post("/receipts", receipts)
    receiver = TestServer(receiver_app, host="127.0.0.1")
    await receiver.start_server()
    people = SandboxState()
    for persona in PEOPLE:
        people.add_person(persona)
    sandbox = SmsSandbox(SmsSandboxState(), people, clock, receipt_url=str(receiver.make_url("/receipts")))
    server = TestServer(create_sms_sandbox(sandbox), host="127.0.0.1")
    await server.start_server()
    try:
        yield f"127.0.0.1:{server.port}", received, people
        await sandbox.flush()
    finally:
        await server.close()
        await receiver.close()


async def test_aliyun_sdk_against_the_sms_sandbox(sms_sandbox: tuple[str, list[Any], SandboxState]) -> None:
    endpoint, received, people = sms_sandbox

    def client(secret: str) -> DysmsClient:
        return DysmsClient(
            Config(
                access_key_id=SANDBOX_SMS.access_key_id,
                access_key_secret=secret,
                endpoint=endpoint,
                protocol="http",
                region_id="cn-hangzhou",
            )
        )

    request = SendSmsRequest(
        phone_numbers="13800000005",
        sign_name=SANDBOX_SMS.sign_name,
        template_code="SMS_CODE",
        template_param='{"code":"123456"}',
        out_id="42",
    )
    response = await asyncio.to_thread(client(SANDBOX_SMS.access_key_secret).send_sms, request)
    assert response.body.code == "OK" and response.body.biz_id
    assert any("123456" in item.body for item in people.inbox["expert"])
    again = await asyncio.to_thread(client(SANDBOX_SMS.access_key_secret).send_sms, request)
    assert again.body.code == "isv.BUSINESS_LIMIT_CONTROL"  # Aliyun's per-number flow control
    with pytest.raises(Exception, match="SignatureDoesNotMatch"):
        await asyncio.to_thread(client("wrong-secret").send_sms, request)
    for _ in range(50):
        if received:
            break
        await asyncio.sleep(0.01)
    assert received[0]["biz_id"] == response.body.biz_id and received[0]["out_id"] == "42"
    assert received[0]["success"] is True and received[0]["err_code"] == "DELIVERED"
