"""The admins' working pages in a real browser at 375×667 on the sandbox demo: 李强 (institution admin) takes up
the pool's demand for 张三, returns a demand with his reason, sees what his institution published and records a
departure; 周婷 (centre admin) hands a demand in docking to another staff member. Every entry they use is live."""

from __future__ import annotations

from typing import Any

from tests.pages.browser import api_json, browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.pages.forms import serve_forms


async def workbench(browser: Any, base: str, userid: str, errors: list[str]) -> Any:
    page = await phone(browser)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await serve_forms(page)
    await page.goto(f"{base}/m/workbench/?dd_user={userid}")
    await page.wait_for_selector("[data-count]")
    return page


async def choose(page: Any, option: str) -> None:
    """In the open bottom picker: tap the option, let the column settle, confirm."""
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text=option).first.click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()


async def li_token(page: Any) -> str:
    return str(await page.evaluate("sessionStorage.getItem('kz.session./m/workbench/#dt-li')"))


async def entry(page: Any, label: str) -> None:
    item = page.locator(".van-grid-item", has_text=label)
    assert "kz-soon" not in (await item.get_attribute("class") or ""), f"{label} is still 即将开放"
    await item.click()


async def test_institution_and_centre_admins_act_from_their_pages(browser: Any, demo_site: str) -> None:
    errors: list[str] = []
    li = await workbench(browser, demo_site, "dt-li", errors)

    # 需求池 → 承接 for 张三: the demand is his, and goes to review.
    await entry(li, "需求池")
    row = li.locator(".van-list .van-cell").first
    await row.wait_for()
    title = (await row.inner_text()).splitlines()[0]
    await row.locator("button", has_text="承接").click()
    await choose(li, "张三")
    await li.wait_for_selector("[data-testid=timeline]")
    assert title in await li.inner_text("#app")
    assert await li.inner_text("[data-testid=status]") == "待审核"
    assert "揭榜（待揭榜 → 待审核）" in await li.inner_text("[data-testid=timeline]")
    assert "张三" in await li.inner_text(".van-cell-group")

    # 需求审核 → the waiting demand → 退回修改 with his reason: the demand shows 退回修改 and the reason.
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/")
    await entry(li, "需求审核")
    await li.locator("[data-review]").first.click()
    await li.click("[data-decision=return]")
    await li.fill(".van-dialog [name=reason]", "请补充企业现有设备参数")
    await li.click(".van-dialog__confirm")
    await li.wait_for_selector("[data-testid=timeline]")
    assert await li.inner_text("[data-testid=status]") == "退回修改"
    assert "请补充企业现有设备参数" in await li.inner_text("[data-testid=timeline]")

    # 公开需求 from a docking demand's detail (the served form `publication`): 全公开 at 12 %.
    docking = await api_json(demo_site, "GET", "/api/v1/demands?status=docking", token := await li_token(li))
    published = docking["items"][0]
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/demands/{published['demand_id']}")
    await li.click("[data-action=publish]")
    await li.wait_for_selector("[data-form=publication] [data-field=audience]")
    await li.click("[data-field=audience] .van-field")
    await choose(li, "全公开")
    assert await li.locator("[data-field=institution_ids]").count() == 0  # only for 指定机构公开
    await li.fill("[data-field=fee_ratio_bp] input", "12")
    await li.click("[data-testid=submit]")
    await li.wait_for_selector("[data-testid=timeline]")
    assert await li.inner_text("[data-testid=status]") == "已公开"

    # 需求公开: what the institution published, by name and fee ratio.
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/")
    await entry(li, "需求公开")
    await li.wait_for_selector("text=本机构公开的需求")
    shown = await li.inner_text("#app")
    assert "全公开 · 10%" in shown and "全公开 · 12%" in shown and published["title"] in shown

    # 人员离岗: 孙丽 leaves, her demands to the centre's admin.
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/")
    await entry(li, "人员离岗")
    await li.locator(".van-cell", has_text="孙丽").click()
    await li.fill("[name=reason]", "调往其他单位")
    await li.click("button:has-text('确认离岗')")
    await li.wait_for_selector(".van-toast >> text=已登记离岗")
    staff = await api_json(demo_site, "GET", "/api/v1/staff?page_size=100", token)
    assert "孙丽" not in [s["name"] for s in staff["items"]]

    # 周婷: 变更对接人员 → a demand in docking → herself.
    zhou = await workbench(browser, demo_site, "dt-zhou", errors)
    await entry(zhou, "变更对接人员")
    demand = zhou.locator("[data-demand]").first
    title = (await demand.inner_text()).splitlines()[0]
    await demand.click()
    await choose(zhou, "周婷")
    await zhou.wait_for_selector("[data-testid=timeline]")
    assert title in await zhou.inner_text("#app")
    assert "变更对接人员" in await zhou.inner_text("[data-testid=timeline]")
    assert "周婷" in await zhou.inner_text(".van-cell-group")
    await keep_screenshot(zhou, "workbench-centre-admin")
    assert not errors, errors
