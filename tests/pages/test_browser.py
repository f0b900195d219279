"""The pages in a real browser at a phone's size (375×667), on the sandbox demo: what a person sees."""

from __future__ import annotations

import asyncio
import re
from typing import Any

from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)

ZHANG_USERID, ZHANG_MOBILE = "dt-zhang", "13800000004"
TOKEN_KEY = "kz.session./m/workbench/"  # outside DingTalk; inside the sandbox's, "#<userid>" is appended


def api_calls(page: Any) -> list[str]:
    """The /api/v1 requests the page makes, as `METHOD path`, from now on."""
    calls: list[str] = []
    page.on(
        "request",
        lambda r: calls.append(f"{r.method} {r.url.split('/api/v1', 1)[1]}") if "/api/v1/" in r.url else None,
    )
    return calls


async def shown_counts(page: Any) -> dict[str, int]:
    await page.wait_for_selector("[data-count]")
    cells = await page.query_selector_all("[data-count]")
    return {
        await cell.get_attribute("data-count"): int(await (await cell.query_selector("b")).inner_text())
        for cell in cells
    }


async def review_card(base: str) -> Any:
    """The review card, once the relay has delivered it to his phone."""
    for _ in range(200):
        inbox = await api_json(base, "GET", "/sandbox/api/people/inst-admin/inbox")
        for item in inbox["items"]:
            if item["channel"] == "dingtalk.card" and item["title"].startswith("需求审核："):
                return item
        await asyncio.sleep(0.1)
    raise AssertionError("no review card reached 李强's phone")


async def test_zhang_opens_the_workbench_in_dingtalk_and_sees_his_counts(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    calls = api_calls(page)
    # The workbench opened in (the sandbox's) DingTalk: the stand-in `dd` hands the page a 免登 code for 张三.
    async with page.expect_response(lambda r: r.url.endswith("/api/v1/auth/dingtalk-login")) as answered:
        await page.goto(f"{demo_site}/m/workbench/?dd_user={ZHANG_USERID}")
    shown = await shown_counts(page)
    assert await page.inner_text(".kz-hello h1") == "张三"
    assert "技转人员" in await page.inner_text(".kz-hello")
    # One request to open the home: the 免登 answer carries who he is and his counts.
    assert calls == ["POST /auth/dingtalk-login"], calls

    # Exactly what the API answered the page (the demo's relay is still delivering, so points may move later).
    counts = (await (await answered.value).json())["workbench"]
    expected = {key: value for key, value in counts.items() if key != "overdue_reviews" and value is not None}
    assert shown == expected
    token = await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}#{ZHANG_USERID}')")
    assert (await api_json(demo_site, "GET", "/api/v1/workbench", token))["docking_demands"] == shown["docking_demands"]
    assert set(shown) == {"pending_reviews", "follow_ups_due", "docking_demands", "points"}  # staff sees all four
    # Entries for his role; the pages not built yet are marked, not hidden.
    grid = await page.inner_text(".van-grid")
    for entry in ("新增需求", "我的需求", "我的积分"):
        assert entry in grid

    # 对接中需求 → his demands in docking → one demand's detail, its timeline ending in 审核通过.
    await page.click("[data-count=docking_demands]")
    await page.wait_for_selector("[data-demand]")
    assert "对接中" in await page.inner_text(".van-tabs")
    first = await page.query_selector("[data-demand]")
    title = (await first.inner_text()).splitlines()[0]
    await first.click()
    await page.wait_for_selector("[data-testid=timeline]")
    assert title in await page.inner_text("#app")
    assert await page.inner_text("[data-testid=status]") in ("对接中", "已公开")
    assert "审核通过（待审核 → 对接中）" in await page.inner_text("[data-testid=timeline]")
    await keep_screenshot(page, "workbench-dingtalk-demand")


async def test_pulling_the_home_down_reads_the_counts_again(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await page.goto(f"{demo_site}/m/workbench/?dd_user={ZHANG_USERID}")
    await shown_counts(page)
    # The home is drawn first; pull-to-refresh arrives with the component library a moment later.
    await page.wait_for_selector(".van-pull-refresh")
    calls = api_calls(page)
    # A finger pulls the page down from the top, as on a phone (touch events, not a mouse).
    touch = await page.context.new_cdp_session(page)
    await touch.send("Input.dispatchTouchEvent", {"type": "touchStart", "touchPoints": [{"x": 187, "y": 120}]})
    for y in range(130, 420, 15):
        await touch.send("Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": 187, "y": y}]})
    await touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})
    for _ in range(100):
        if "GET /workbench" in calls:
            break
        await asyncio.sleep(0.05)
    assert sorted(calls) == ["GET /me", "GET /workbench"], calls
    token = await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}#{ZHANG_USERID}')")
    counts = await api_json(demo_site, "GET", "/api/v1/workbench", token)
    shown = await shown_counts(page)
    assert shown == {key: value for key, value in counts.items() if key != "overdue_reviews" and value is not None}


async def test_the_home_shows_its_counts_when_the_component_library_fails_to_load(browser: Any, demo_site: str) -> None:
    # The component library (Vant) cannot be fetched: every request for it fails until the network is back.
    page = await phone(browser)
    online = asyncio.Event()
    refused: list[str] = []
    said: list[str] = []

    async def network(route: Any) -> None:
        if online.is_set():
            await route.continue_()
        else:
            refused.append(route.request.url)
            await route.abort()

    async def read(dialog: Any) -> None:
        said.append(dialog.message)
        await dialog.accept()

    page.on("dialog", read)
    await page.route("**/vant.min.js", network)
    await page.goto(f"{demo_site}/m/workbench/?dd_user={ZHANG_USERID}")
    shown = await shown_counts(page)  # drawn without it
    assert set(shown) == {"pending_reviews", "follow_ups_due", "docking_demands", "points"}
    # The page says so: without the library for a toast, in the phone's own dialog (after trying once more).
    for _ in range(200):
        if said:
            break
        await asyncio.sleep(0.05)
    assert said == ["页面加载失败，请检查网络后重试"], said
    assert len(refused) >= 2  # the page's load and the message's retry (the shell's preload may come first)
    # The network is back: the next view asks again, and 我的需求 opens the list.
    online.set()
    await page.click(".van-grid-item:has-text('我的需求')")
    await page.wait_for_selector("[data-demand]")
    assert await page.query_selector(".van-tabs") is not None


async def test_signing_in_by_phone_and_password_outside_dingtalk(browser: Any, demo_site: str) -> None:
    # 李强 (institution admin) sets 张三 a starting password, through the API as his own pages would.
    admin = await dingtalk_session(demo_site, "dt-li")
    staff = await api_json(demo_site, "GET", "/api/v1/staff", admin)
    zhang = next(s for s in staff["items"] if s["name"] == "张三")
    await api_json(
        demo_site, "POST", f"/api/v1/accounts/{zhang['account_id']}/initial-password", admin, {"password": "Start2026!"}
    )

    page = await phone(browser)
    await page.goto(f"{demo_site}/m/workbench/")  # a plain browser: no DingTalk, so the page asks for the phone
    await page.wait_for_selector("text=密码登录")
    await page.fill("input[name=mobile]", ZHANG_MOBILE)
    await page.fill("input[name=password]", "wrong-password")
    await page.click("button[type=submit]")
    await page.wait_for_selector(".van-toast")
    assert "密码" in await page.inner_text(".van-toast")  # the API's own message, shown as sent

    await page.fill("input[name=password]", "Start2026!")
    await page.click("button[type=submit]")
    await page.wait_for_selector("text=修改初始密码")  # an admin-set password must be changed first
    await page.fill("input[name=old_password]", "Start2026!")
    await page.fill("input[name=new_password]", "Zhang#2026new")
    await page.fill("input[name=again]", "Zhang#2026new")
    await page.click("button[type=submit]")
    shown = await shown_counts(page)
    assert await page.inner_text(".kz-hello h1") == "张三"
    token = await page.evaluate(f"sessionStorage.getItem('{TOKEN_KEY}')")
    counts = await api_json(demo_site, "GET", "/api/v1/workbench", token)
    assert shown["docking_demands"] == counts["docking_demands"] and shown["points"] > 0
    await keep_screenshot(page, "workbench-password")


async def test_the_review_cards_detail_link_opens_that_demand(browser: Any, demo_site: str) -> None:
    # 李强's phone in the console holds the review card of the demo's pending demand; 查看详情 is a link.
    card = await review_card(demo_site)
    [details] = [a for a in card["actions"] if a["label"] == "查看详情"]
    link = details["body"]["link"]
    assert link.startswith(f"{demo_site}/m/workbench/#/demands/")
    page_url, _, fragment = link.partition("#")
    page = await phone(browser)
    await page.goto(f"{page_url}?dd_user=dt-li#{fragment}")  # opened in his DingTalk
    await page.wait_for_selector("[data-testid=timeline]")
    assert card["title"].removeprefix("需求审核：") in await page.inner_text("#app")
    assert await page.inner_text("[data-testid=status]") == "待审核"
    await keep_screenshot(page, "workbench-review-detail")


async def sms_code(base: str, person: str) -> str:
    """The newest login code on the person's simulated phone, once the relay has delivered it."""
    for _ in range(200):
        inbox = await api_json(base, "GET", f"/sandbox/api/people/{person}/inbox")
        for item in inbox["items"]:
            if item["channel"] == "sms" and (found := re.search(r"验证码为(\d{6})", item["body"])):
                return found.group(1)
        await asyncio.sleep(0.1)
    raise AssertionError(f"no SMS code reached {person}'s phone")


async def test_an_expert_signs_in_by_sms_code_and_browses_the_hall(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await page.goto(f"{demo_site}/m/expert/")
    await page.wait_for_selector("text=验证码登录")
    await page.fill("input[name=mobile]", "13800000005")
    await page.click("text=获取验证码")
    await page.fill("input[name=code]", await sms_code(demo_site, "expert"))
    await page.click("button[type=submit]")
    await page.wait_for_selector(".kz-hello")
    assert await page.inner_text(".kz-hello h1") == "陈教授"
    await page.click("text=需求大厅")
    await page.wait_for_selector(".van-list .van-cell")
    token = await page.evaluate("sessionStorage.getItem('kz.session./m/expert/')")
    hall = await api_json(demo_site, "GET", "/api/v1/expert/hall", token)
    assert hall["total"] > 0
    shown = await page.inner_text(".van-list")
    assert all(item["title"] in shown for item in hall["items"])
    await keep_screenshot(page, "expert-hall")


async def test_the_console_opens_the_workbench_inside_zhangs_phone(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    await page.set_viewport_size({"width": 1280, "height": 900})  # the console itself is a desktop page
    await page.goto(f"{demo_site}/sandbox")
    zhang = page.locator("section.phone[data-person=staff]")
    enter = zhang.locator("button", has_text="进入工作台")
    await enter.wait_for()
    # The console updates in place: the welcome card's element survives the 3-second poll (no jump to the top),
    # even when a newer message arrives above it meanwhile.
    await enter.evaluate("button => { button.closest('.item').dataset.marked = '1'; }")
    await page.wait_for_timeout(3500)
    assert await enter.evaluate("button => button.closest('.item').dataset.marked") == "1"

    await enter.click()  # the welcome card's 「进入工作台」: the micro-app opens inside his phone, signed in by 免登
    frame = page.frame_locator("section[data-person=staff] iframe.screen")
    await frame.locator("[data-count=points]").wait_for()
    assert await frame.locator(".kz-hello h1").inner_text() == "张三"
    await keep_screenshot(page, "console-zhang-workbench", zhang)
