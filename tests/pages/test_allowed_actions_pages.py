"""The detail's second row of buttons is exactly the docking work the API lists for the reader (allowed_actions):
张三, the docking staff member, pushes and registers; 李强, the institution's admin, publishes but is not offered
推送专家 (the page used to offer it to him from his role, and the API refused)."""

from __future__ import annotations

from typing import Any

from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)

LABELS = {
    "follow_ups": ("跟进记录", "follow-ups"),
    "push_experts": ("推送专家", "experts"),
    "register_project": ("项目登记", "project"),
    "publish": ("公开需求", "publish"),
    "change_staff": ("变更对接人员", "docking-staff"),
    "project": ("项目信息", "project-view"),
    "fee_proof": ("中介费凭证", "fee-proof"),
}


async def offered(page: Any) -> list[tuple[str, str]]:
    buttons = page.locator("[data-testid=demand-actions] [data-action]")
    await buttons.first.wait_for()
    return [((await b.inner_text()).strip(), str(await b.get_attribute("data-action"))) for b in await buttons.all()]


async def test_the_buttons_are_the_apis_allowed_actions(browser: Any, demo_site: str) -> None:
    zhang, li = await dingtalk_session(demo_site, "dt-zhang"), await dingtalk_session(demo_site, "dt-li")
    docking = await api_json(demo_site, "GET", "/api/v1/demands?status=docking&page_size=1", zhang)
    demand_id = docking["items"][0]["demand_id"]
    for userid, token, expected in (
        ("dt-zhang", zhang, ["follow_ups", "push_experts", "register_project"]),
        ("dt-li", li, ["follow_ups", "register_project", "publish"]),
    ):
        detail = await api_json(demo_site, "GET", f"/api/v1/demands/{demand_id}", token)
        assert detail["allowed_actions"] == expected
        page = await phone(browser)
        await page.goto(f"{demo_site}/m/workbench/?dd_user={userid}#/demands/{demand_id}")
        assert await offered(page) == [LABELS[key] for key in expected]
        await keep_screenshot(page, f"workbench-actions-{userid}")
        await page.context.close()
