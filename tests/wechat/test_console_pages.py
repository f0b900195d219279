"""What the console's WeChat phone needs to show a template message as WeChat does and to open the experts'
hosted pages: the labels from the typed declarations and the page standing in for the mini-program's."""

from __future__ import annotations

from datetime import date

from cards.expert_digest import digest_template
from cards.expert_invitation import bind_request_message
from cards.template_messages import EXPERT_DIGEST
from sandbox.links import hosted_page, miniprogram_actions
from tests.wechat.sandboxed import Service, service  # noqa: F401  (a fixture)

WX = "/sandbox/wechat"


def test_mini_program_pages_map_to_the_experts_hosted_views() -> None:
    assert hosted_page("pages/expert/digest/index?digest=42") == "/m/expert/#/digest/42"
    assert hosted_page("pages/demand/detail?id=7") == "/m/expert/#/demands/7"
    assert hosted_page("pages/hall/index") == "/m/expert/#/hall"
    assert hosted_page("pages/expert/digest/index") is None  # no digest named: nothing to open
    # The bind page: the hosted bind view, with the invitation the link carried (the expert binds there).
    assert hosted_page("pages/bind/index") == "/m/expert/#/bind"
    assert hosted_page("pages/bind/index?invitation=a%2Fb") == "/m/expert/#/bind?invitation=a%2Fb"


def test_the_bind_link_in_a_message_opens_the_bind_page_in_the_phone() -> None:
    text = bind_request_message(mini_app_id="wx-mini", page_path="pages/bind/index", fallback_url="https://x.example")
    [action] = miniprogram_actions("expert-wu", text)
    assert action["page"] == "/m/expert/#/bind"  # what the link and its button open on the phone
    assert action["body"] == {"person_id": "expert-wu", "path": "pages/bind/index"}  # how the link finds it


async def test_a_digest_reaches_the_phone_with_its_labels_and_its_page(service: Service) -> None:  # noqa: F811
    await service.call("POST", f"{WX}/console/follow", {"person_id": "expert"})
    digest = digest_template(
        template_id=EXPERT_DIGEST.default_id,
        first_title="芯片封装测试软件",
        count=3,
        business_date=date(2026, 11, 23),
        miniapp_app_id="wx-mini",
        page="pages/expert/digest/index",
        digest_id=42,
    )
    await service.enqueue("wechat.template", "o-chen", digest, key="digest-42")
    assert await service.relay_once() == 1
    items = (await service.call("GET", "/sandbox/api/people/expert/inbox"))["items"]
    [shown] = [i for i in items if i["channel"] == "wechat.template"]
    assert shown["data"]["template"] == {
        "title": "新需求提醒",
        "keywords": [["需求名称", "芯片封装测试软件等"], ["需求数量", "3"], ["推送日期", "2026年11月23日"]],
        "page": "/m/expert/#/digest/42",
    }
    assert shown["actions"] == [{"label": "进入小程序查看", "page": "/m/expert/#/digest/42"}]
