"""What the console's WeChat phone needs to show a template message as WeChat does and to open the experts'
hosted pages: the labels from the typed declarations and the page standing in for the mini-program's."""

from __future__ import annotations

from datetime import date

from cards.expert_digest import digest_template
from cards.template_messages import EXPERT_DIGEST
from sandbox.links import hosted_page
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
