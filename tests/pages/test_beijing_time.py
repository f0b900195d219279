"""Times on the pages are Beijing time whatever the phone's zone: the browser here runs in UTC (or New York), and a
step stored at 09:00 Beijing time must read 09:00, not 01:00 (or 20:00 the day before)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)

BEIJING = ZoneInfo("Asia/Shanghai")


def shown(iso: str, zone: ZoneInfo) -> str:
    return datetime.fromisoformat(iso).astimezone(zone).strftime("%Y-%m-%d %H:%M")


async def test_a_stored_time_reads_in_beijing_time_on_a_phone_set_to_another_zone(browser: Any, demo_site: str) -> None:
    token = await dingtalk_session(demo_site, "dt-zhang")
    listed = await api_json(demo_site, "GET", "/api/v1/demands?status=docking&page_size=1", token)
    demand = await api_json(demo_site, "GET", f"/api/v1/demands/{listed['items'][0]['demand_id']}", token)
    first = demand["timeline"][0]
    beijing = shown(first["at"], BEIJING)
    for zone in ("UTC", "America/New_York"):
        local = shown(first["at"], ZoneInfo(zone))
        assert local != beijing  # the test can tell the two apart

        page = await phone(browser, zone)
        await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands/{demand['demand_id']}")
        steps = page.locator("[data-testid=timeline] .van-step")
        await steps.first.wait_for()
        # Newest first: the demand's first step is the last one shown.
        oldest = await steps.nth(await steps.count() - 1).inner_text()
        assert f"{first['actor_name']} · {beijing}" in oldest, oldest
        assert local not in oldest

        # The list's rows too: the number and the last change, in Beijing time.
        await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands?status=docking")
        row = page.locator(f"[data-demand='{demand['demand_id']}']")
        await row.wait_for()
        assert f"{demand['number']} · {shown(listed['items'][0]['updated_at'], BEIJING)}" in await row.inner_text()
        await page.context.close()
