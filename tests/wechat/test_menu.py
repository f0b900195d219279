"""The official account's menu: checked against WeChat's limits at start-up, queued when it changes, created
through menu/create by the relay, and shown on the sandbox phone."""

from __future__ import annotations

from dataclasses import replace

import pytest
from pydantic import ValidationError

from bot.settings import MenuButton, Settings
from bot.wechat.wiring import publish_configured_menu
from store.models.outbox import OutboxStatus
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"


def test_a_menu_the_platform_would_refuse_stops_the_settings() -> None:
    four = [{"name": f"菜单{i}", "type": "click", "key": f"k{i}"} for i in range(4)]
    with pytest.raises(ValidationError, match="4 buttons"):
        Settings(wechat={"menu": four})
    with pytest.raises(ValidationError, match="must be 1–16 bytes"):
        Settings(wechat={"menu": [{"name": "我的需求对接中心", "type": "click", "key": "k"}]})  # 8 × 3 bytes
    with pytest.raises(ValidationError, match="needs a key"):
        Settings(wechat={"menu": [{"name": "帮助", "type": "click"}]})
    with pytest.raises(ValidationError, match="sub-buttons"):
        Settings(
            wechat={
                "menu": [
                    {"name": "我的", "sub_buttons": [{"name": f"子{i}", "type": "click", "key": "k"} for i in range(6)]}
                ]
            }
        )


async def test_the_menu_is_created_once_per_change_and_shown_on_the_phone(service: Service) -> None:  # noqa: F811
    first = await publish_configured_menu(service.container)
    assert first is not None and first.queued
    again = await publish_configured_menu(service.container)  # a second instance starting
    assert again is not None and not again.queued and again.digest == first.digest
    assert await service.relay_once() == 1
    sandbox = service.container.sandbox
    assert sandbox is not None
    menu = (await service.call("GET", f"{WX}/__sandbox__/menu"))["menu"]
    assert [b["name"] for b in menu["button"]] == ["需求大厅", "我的", "帮助"]
    hall = menu["button"][0]
    assert hall["type"] == "miniprogram" and hall["pagepath"] == "pages/hall/index" and hall["appid"]

    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    answer = await service.call("POST", f"{WX}/console/text", {"person_id": "expert", "content": "你好"})
    assert "帮助" in answer["reply"]["Content"]
    [reply] = [
        i
        for i in (await service.call("GET", "/sandbox/api/people/expert/inbox"))["items"]
        if i["channel"] == "wechat.reply" and "帮助" in i["body"]
    ][-1:]
    labels = [a["label"] for a in reply["actions"]]
    assert {"点击菜单 · 我的订阅", "点击菜单 · 绑定信息", "点击菜单 · 帮助"} <= set(labels)

    # An operator changes the menu: the next start queues it again.
    changed = service.container.settings.wechat.model_copy(
        update={"menu": [MenuButton(name="帮助", type="click", key="help")]}
    )
    restarted = replace(service.container, settings=service.container.settings.model_copy(update={"wechat": changed}))
    third = await publish_configured_menu(restarted)
    assert third is not None and third.queued and third.digest != first.digest
    assert await service.relay_once() == 1
    assert [b["name"] for b in (await service.call("GET", f"{WX}/__sandbox__/menu"))["menu"]["button"]] == ["帮助"]


async def test_a_menu_the_platform_refuses_is_a_dead_letter(service: Service) -> None:  # noqa: F811
    too_long = {"button": [{"type": "click", "name": "一二三四五六", "key": "k"}]}  # 18 bytes
    row = await service.enqueue("wechat.menu", "wx", too_long)
    assert await service.relay_once() == 1
    dead = await service.message(row)
    assert dead.status == OutboxStatus.DEAD and "40018" in (dead.dead_reason or "")
