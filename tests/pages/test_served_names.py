"""The pages keep no table of names: the demand tabs, the timeline's steps and a DingTalk invitation's state read
as the API names them (a name changed in the API's answer changes the page)."""

from __future__ import annotations

import json
from typing import Any

from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)


async def test_demand_tabs_and_timeline_steps_read_as_the_api_names_them(browser: Any, demo_site: str) -> None:
    token = await dingtalk_session(demo_site, "dt-zhang")
    served = await api_json(demo_site, "GET", "/api/v1/demand-statuses")
    names = {s["value"]: s["label"] for s in served["items"]}
    renamed = {"items": [{**s, "label": s["label"] + "·改"} for s in served["items"]]}

    page = await phone(browser)

    async def renaming(route: Any) -> None:
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(renamed))

    await page.route("**/api/v1/demand-statuses", renaming)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands?status=docking")
    await page.wait_for_selector(".van-tab")
    tabs = [t.strip() for t in await page.locator(".van-tab").all_inner_texts()]
    order = ["pending_review", "docking", "published", "completed", "returned", "draft"]
    assert tabs == ["全部", *(names[s] + "·改" for s in order)]
    assert "对接中·改" in await page.inner_text(".van-tab--active")

    listed = await api_json(demo_site, "GET", "/api/v1/demands?status=docking&page_size=1", token)
    demand = await api_json(demo_site, "GET", f"/api/v1/demands/{listed['items'][0]['demand_id']}", token)
    await page.click(f"[data-demand='{demand['demand_id']}']")
    steps = page.locator("[data-testid=timeline] .van-step")
    await steps.first.wait_for()
    shown = [(await steps.nth(i).inner_text()).split("\n")[0] for i in range(await steps.count())]
    expected = [
        s["action_label"]
        + (
            f"（{s['from_status_label']} → {s['to_status_label']}）"
            if s["from_status"] and s["from_status"] != s["to_status"]
            else ""
        )
        for s in reversed(demand["timeline"])
    ]
    assert shown == expected
    assert "审核通过（待审核 → 对接中）" in shown
    await keep_screenshot(page, "workbench-served-names")
