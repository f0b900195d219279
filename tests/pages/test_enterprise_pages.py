"""需求企业 in a real browser at 375×667 on the sandbox demo: 张三 adds an enterprise by its full name (the registry
fills in the rest) and a contact to it, on the served forms (fixtures until the forms endpoint lands)."""

from __future__ import annotations

from typing import Any

from tests.pages.browser import browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.pages.forms import serve_forms

NAME = "杭州西溪新材料有限公司"  # known to the sandbox's business registry, not yet one of the demo's


async def test_staff_add_an_enterprise_and_its_contact(browser: Any, demo_site: str) -> None:
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    asked = await serve_forms(page)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang")
    await page.click(".van-grid-item:has-text('需求企业')")
    await page.wait_for_selector(".van-list .van-cell")
    assert "杭州新远材料有限公司" in await page.inner_text(".van-list")

    await page.click("button:has-text('添加企业')")
    await page.fill("[data-field=full_name] input", NAME)
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-testid=contacts]")
    assert NAME in await page.inner_text("#app")
    assert "统一社会信用代码" in await page.inner_text("#app")

    await page.click("button:has-text('添加联系人')")
    await page.fill("[data-field=name] input", "陈工")
    await page.fill("[data-field=position] input", "研发主管")
    await page.fill("[data-field=phone] input", "13800000021")
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-testid=contacts] >> text=陈工 · 研发主管")
    assert asked == ["enterprise", "enterprise_contact"]
    await keep_screenshot(page, "workbench-enterprise")
    assert not errors, errors
