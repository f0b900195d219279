"""The expert's journey in a real browser at a phone's size (375×667), in the sandbox console on a phone-sized
screen: 吴研究员, invited but neither following nor bound, follows the official account, asks 绑定信息, taps the bind
link, binds on the experts' pages inside his simulated phone (WeChat's login code, then the phone-number
authorization), subscribes, gets the 16:00 digest (run now by the console's trigger on the service's injected
clock), opens it from its template message, docks a demand, and finds it under 我的对接."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.pages.browser import (  # noqa: F401  (fixtures)
    DEMO_START,
    api_json,
    browser,
    demo_site,
    keep_screenshot,
    phone,
)
from tests.pages.test_browser import sms_code


async def inbox_item(base: str, person: str, channel: str, after: int = 0) -> Any:
    """The newest message of `channel` (or of any channel starting so) on the person's phone with an id above
    `after`, once delivered."""
    for _ in range(300):
        for item in (await api_json(base, "GET", f"/sandbox/api/people/{person}/inbox"))["items"]:
            if item["channel"].startswith(channel) and item["id"] > after:
                return item
        await asyncio.sleep(0.1)
    items = (await api_json(base, "GET", f"/sandbox/api/people/{person}/inbox"))["items"]
    raise AssertionError(
        f"no {channel} message reached {person}'s phone: {[(i['id'], i['channel'], i['title']) for i in items]}"
    )


async def newest_id(base: str, person: str) -> int:
    items = (await api_json(base, "GET", f"/sandbox/api/people/{person}/inbox"))["items"]
    return max((i["id"] for i in items), default=0)


async def test_an_unbound_expert_follows_binds_subscribes_opens_his_digest_and_docks_a_demand(
    browser: Any, demo_site: str
) -> None:
    page = await phone(browser)  # 375×667: the console shows one phone at a time, with a switcher
    await page.goto(f"{demo_site}/sandbox")
    await page.select_option("#switcher", "expert-wu")
    wu = page.locator("section.phone[data-person=expert-wu]")
    assert await wu.is_visible()
    assert not await page.locator("section.phone[data-person=staff]").is_visible()

    # Not following yet: he follows the official account, then asks the menu's 绑定信息. Not bound, the answer
    # carries the mini-program's bind link, shown as a link.
    before = await newest_id(demo_site, "expert-wu")
    await wu.locator("button", has_text="关注公众号").first.click()
    await inbox_item(demo_site, "expert-wu", "wechat.", before)
    before = await newest_id(demo_site, "expert-wu")
    await wu.locator("button", has_text="点击菜单 · 绑定信息").first.click()
    reply = await inbox_item(demo_site, "expert-wu", "wechat.", before)
    assert "data-miniprogram-path" in reply["body"], reply["body"]
    message = wu.locator(".item", has_text="前往绑定信息").first
    assert "<a" not in await message.inner_text()  # a link, not markup

    # The link opens the bind page inside his phone: WeChat's login code, then he allows the phone number.
    await message.locator(".b a").click()
    screen = page.frame_locator("section[data-person=expert-wu] iframe.screen")
    await screen.locator(".van-nav-bar__title", has_text="绑定信息").wait_for()
    await screen.locator("button", has_text="微信授权登录").click()
    await screen.locator("button", has_text="授权手机号并绑定").click()
    greeting = screen.locator(".kz-bind-greeting")
    await greeting.wait_for()
    assert "吴研究员" in await greeting.inner_text() and "专家" in await greeting.inner_text()
    await keep_screenshot(page, "expert-bound", wu)
    await screen.locator("button", has_text="进入专家工作台").click()
    await screen.locator(".kz-hello h1", has_text="吴研究员").wait_for()
    token = await page.evaluate("sessionStorage.getItem('kz.session./m/expert/#expert-wu')")
    me = await api_json(demo_site, "GET", "/api/v1/me", token)
    assert me["account"]["name"] == "吴研究员" and [r["role"] for r in me["roles"]] == ["expert"]

    # The official account knows him now.
    await page.locator("section.phone[data-person=expert-wu] button.back").click()
    before = await newest_id(demo_site, "expert-wu")
    await wu.locator("button", has_text="点击菜单 · 绑定信息").first.click()
    reply = await inbox_item(demo_site, "expert-wu", "wechat.", before)
    assert "您已绑定专家身份：吴研究员" in reply["body"], reply["body"]

    # 需求大厅 from the menu opens the pages signed in (the session his bind left in this phone).
    await wu.locator("button", has_text="点击菜单 · 需求大厅").first.click()
    await screen.locator(".van-nav-bar__title", has_text="需求大厅").wait_for()
    await screen.locator(".van-list .van-cell").first.wait_for()
    await screen.locator(".van-nav-bar__left", has_text="首页").click()

    # 需求订阅: he has none; he adds a technical field, picked by name.
    await screen.locator(".van-grid-item", has_text="需求订阅").click()
    await screen.locator(".van-cell", has_text="添加技术领域").wait_for()
    assert await screen.locator(".kz-subscribed").count() == 0
    await screen.locator(".van-cell", has_text="添加技术领域").click()
    picker = screen.locator(".van-popup")
    await picker.locator(".van-cell", has_text="电子信息").first.click()
    await picker.locator(".kz-pick-level").click()
    await screen.locator(".van-button", has_text="保存订阅").click()
    await screen.locator(".van-toast", has_text="订阅已保存").wait_for()
    shown = await screen.locator(".kz-subscribed").all_inner_texts()
    assert shown == ["电子信息"]
    subscribed = (await api_json(demo_site, "GET", "/api/v1/expert/subscriptions", token))["fields"]
    assert [f["code"] for f in subscribed] == ["01"]

    # The 16:00 digest, run by the console's trigger on the service's clock (the demo's Monday, not today).
    before = await newest_id(demo_site, "expert-wu")
    await page.locator("#digest").click()
    template = await inbox_item(demo_site, "expert-wu", "wechat.template", before)
    await page.locator("section.phone[data-person=expert-wu] button.back").click()  # 返回消息
    card = wu.locator(".tpl", has_text="新需求提醒").first
    await card.wait_for()
    text = await card.inner_text()
    assert "新需求提醒" in text and "需求名称" in text and "需求数量" in text and "推送日期" in text
    assert f"{DEMO_START:%Y年%m月%d日}" in text
    assert "thing1" not in text and "DIGEST_TEMPLATE" not in text
    await keep_screenshot(page, "console-digest-message", card)
    digest_id = template["data"]["template"]["page"].rsplit("/", 1)[1]
    await card.locator("button", has_text="进入小程序查看").click()
    await screen.locator(".kz-digest .van-cell").first.wait_for()
    assert (
        await screen.locator(".kz-hello h1").inner_text() == f"{template['data']['data']['number2']['value']} 条新需求"
    )

    # He opens a demand from the digest and docks it; 我的对接 lists it.
    digest = await api_json(demo_site, "GET", f"/api/v1/expert/digests/{digest_id}", token)
    demand = next(d for d in digest["demands"] if d["open"])
    await screen.locator(".kz-digest .van-cell", has_text=demand["title"]).click()
    await screen.locator("button", has_text="对接该需求").click()
    await screen.locator("button", has_text="联系技术经纪人").wait_for()
    assert (await api_json(demo_site, "GET", f"/api/v1/expert/demands/{demand['id']}", token))["docking"] == "docked"
    await screen.locator(".van-nav-bar__left").click()  # back to the digest
    await screen.locator(".van-nav-bar__left", has_text="首页").click()
    await screen.locator(".van-grid-item", has_text="我的对接").click()
    docked = screen.locator(".van-list .van-cell", has_text=demand["title"])
    await docked.wait_for()
    assert "已对接" in await docked.inner_text()
    await keep_screenshot(page, "expert-journey-dockings")


async def signed_in_expert(page: Any, base: str) -> None:
    await page.goto(f"{base}/m/expert/")
    await page.fill("input[name=mobile]", "13800000005")
    await page.click("text=获取验证码")
    await page.fill("input[name=code]", await sms_code(base, "expert"))
    await page.click("button[type=submit]")
    await page.wait_for_selector(".kz-hello")


async def test_the_hall_filters_by_field_and_region_names(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await signed_in_expert(page, demo_site)
    await page.click("text=需求大厅")
    await page.wait_for_selector(".van-list .van-cell")
    # The region names arrive with their own request: wait until the rows show them.
    await page.wait_for_function("() => document.querySelector('.van-list').innerText.includes('浙江省')")
    rows = await page.inner_text(".van-list")
    assert not re.search(r"\b\d{6}\b", rows)  # region and field names, never their codes

    await page.click("[data-filter=field]")
    popup = page.locator(".van-popup:visible")
    await popup.locator(".van-cell", has_text="电子信息").first.click()
    await popup.locator(".van-cell").get_by_text("软件", exact=True).click()  # it has children: down a level
    await popup.locator(".kz-pick-level", has_text="软件").click()  # 选择「软件」
    token = await page.evaluate("sessionStorage.getItem('kz.session./m/expert/')")
    expected = await api_json(demo_site, "GET", "/api/v1/expert/hall?field=0101", token)
    assert expected["total"] > 0
    await page.wait_for_selector("[data-filter=field] >> text=软件")
    await page.wait_for_function(
        "n => document.querySelectorAll('.van-list .van-cell').length === n", arg=len(expected["items"])
    )
    shown = await page.inner_text(".van-list")
    assert all(item["title"] in shown for item in expected["items"])

    await page.click("[data-filter=region]")
    popup = page.locator(".van-popup:visible")
    await popup.locator(".van-cell", has_text="北京市").first.click()
    await popup.locator(".kz-pick-level").click()  # 选择「北京市」
    await page.wait_for_selector("text=没有更多了")
    assert await page.locator(".van-list .van-cell").count() == 0  # the demo's demands are in Zhejiang
    await page.locator(".van-popup").last.wait_for(state="hidden")  # the picker closes on a choice
    await keep_screenshot(page, "expert-hall-filtered")


async def test_the_expert_edits_his_profile_and_publishes_a_technology(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await signed_in_expert(page, demo_site)
    await page.click("text=信息维护")
    await page.fill("input[name=title]", "研究员")
    await page.click("button:has-text('保存')")
    await page.wait_for_selector(".van-toast >> text=已保存")
    token = await page.evaluate("sessionStorage.getItem('kz.session./m/expert/')")
    assert (await api_json(demo_site, "GET", "/api/v1/expert/profile", token))["title"] == "研究员"

    # His own research fields, picked by name.
    await page.click("text=添加研究领域")
    popup = page.locator(".van-popup:visible")
    await popup.locator(".van-cell", has_text="生物与新医药").first.click()
    await popup.locator(".kz-pick-level").click()
    await page.click("button:has-text('保存研究领域')")
    await page.wait_for_selector(".van-toast >> text=研究领域已保存")
    profile = await api_json(demo_site, "GET", "/api/v1/expert/profile", token)
    assert profile["research_fields"][-1] == "02"
    shown = await page.locator(".kz-research").all_inner_texts()
    assert shown[-1].strip() == "生物与新医药" and not any(re.search(r"\d{2}", t) for t in shown)

    await page.click(".van-nav-bar__left")
    await page.click("text=技术发布")
    await page.click(".van-nav-bar__right")  # 发布
    await page.fill("input[name=title]", "低温等离子体表面改性")
    await page.click("[data-filter=fields]")
    popup = page.locator(".van-popup:visible")
    await popup.locator(".van-cell", has_text="新材料").first.click()
    await popup.locator(".kz-pick-level").click()
    await page.click("input[name=maturity]")
    await page.click(".van-picker__confirm")
    await page.click("input[name=cooperation_mode]")
    await page.click(".van-picker__confirm")
    await page.fill("textarea[name=summary]", "用于碳纤维表面处理，提高界面结合强度。")
    await page.click("button[type=submit]")
    await page.wait_for_selector(".kz-technology >> text=低温等离子体表面改性")
    techs = (await api_json(demo_site, "GET", "/api/v1/expert/technologies", token))["items"]
    [tech] = [t for t in techs if t["title"] == "低温等离子体表面改性"]
    assert tech["field_codes"] == ["04"]
    label = await page.locator(".kz-technology", has_text="低温等离子体表面改性").inner_text()
    assert "新材料" in label and tech["maturity_label"] in label and tech["cooperation_mode_label"] in label

    # He edits it (the form opens filled in, fields by name), then withdraws it.
    await page.click(".kz-technology >> text=低温等离子体表面改性")
    await page.wait_for_function("document.querySelector('input[name=title]')?.value === '低温等离子体表面改性'")
    assert await page.locator(".kz-subscribed").inner_text() == "新材料"
    await page.fill("input[name=title]", "低温等离子体表面改性（第二代）")
    await page.click("button[type=submit]")
    edited = page.locator(".kz-technology", has_text="低温等离子体表面改性（第二代）")
    await edited.wait_for()
    await edited.locator("button", has_text="撤回").click()
    await page.click(".van-dialog__confirm")
    await edited.locator(".van-tag", has_text="已撤回").wait_for()
    techs = (await api_json(demo_site, "GET", "/api/v1/expert/technologies", token))["items"]
    [tech] = [t for t in techs if t["technology_id"] == tech["technology_id"]]
    assert (tech["title"], tech["status"]) == ("低温等离子体表面改性（第二代）", "withdrawn")
    await page.locator(".van-dialog").wait_for(state="hidden")
    await keep_screenshot(page, "expert-technologies")


async def test_a_reply_with_the_bind_link_shows_a_link_that_opens_the_mini_program(
    browser: Any,
    demo_site: str,  # noqa: F811
) -> None:
    page = await phone(browser)
    await page.goto(f"{demo_site}/sandbox")
    await page.select_option("#switcher", "contact")  # 刘经理: following, not bound
    liu = page.locator("section.phone[data-person=contact]")
    before = await newest_id(demo_site, "contact")
    await liu.locator("button", has_text="关注公众号").first.click()
    await inbox_item(demo_site, "contact", "wechat.", before)
    before = await newest_id(demo_site, "contact")
    await liu.locator("button", has_text="点击菜单 · 绑定信息").first.click()
    reply = await inbox_item(demo_site, "contact", "wechat.", before)
    assert "data-miniprogram-path" in reply["body"]
    message = liu.locator(".item").first
    link = message.locator(".b a")
    await link.wait_for()
    assert "<a" not in await message.inner_text()  # the markup is a link, not text
    await link.click()  # the mini-program's bind page, inside this phone
    screen = page.frame_locator("section[data-person=contact] iframe.screen")
    await screen.locator("button", has_text="微信授权登录").click()
    await screen.locator("button", has_text="授权手机号并绑定").click()
    greeting = await screen.locator(".kz-bind-greeting").inner_text()
    assert "刘经理" in greeting and "企业联系人" in greeting, greeting
    assert await screen.locator("button", has_text="进入专家工作台").count() == 0  # not an expert's pages
    await keep_screenshot(page, "console-bind-link", liu)


async def test_the_bind_page_outside_wechat_says_where_to_bind(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await page.goto(f"{demo_site}/m/expert/#/bind")  # a plain browser: no mini-program runtime, no `wx`
    await page.wait_for_selector("text=请在微信中打开「科转」小程序")
    assert await page.locator("button", has_text="微信授权登录").count() == 0
    await page.click("button:has-text('用手机号登录')")
    await page.wait_for_selector("input[name=mobile]")
