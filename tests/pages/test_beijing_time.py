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
from tests.pages.test_staff_journey import pick, workbench

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


async def test_the_date_time_picker_opens_on_and_sends_beijing_time(browser: Any, demo_site: str) -> None:
    """The phone (UTC) at the demo's 09:00 Beijing time: the follow-up's 跟进时间 reads 09:00 and is sent as +08:00."""
    token = await dingtalk_session(demo_site, "dt-zhang")
    listed = await api_json(demo_site, "GET", "/api/v1/demands?status=docking&page_size=1", token)
    demand_id = listed["items"][0]["demand_id"]
    sent: list[dict[str, Any]] = []
    page = await workbench(browser, demo_site, "dt-zhang", f"#/demands/{demand_id}/follow-ups")
    page.on(
        "request",
        lambda r: sent.append(r.post_data_json) if r.method == "POST" and r.url.endswith("/follow-ups") else None,
    )
    await page.click("[data-testid=new-follow-up]")
    await page.wait_for_selector("[data-form=follow_up] [data-field=kind]")
    await pick(page, "kind", "电话")
    await page.click("[data-field=occurred_at] .van-field")
    await page.click(".van-popup--bottom:visible .van-picker__confirm")  # 下一步: the time
    await page.click(".van-popup--bottom:visible .van-picker__confirm")
    assert await page.input_value("[data-field=occurred_at] input") == "2026-11-23 09:00"
    await page.fill("[data-field=content] textarea", "电话确认样品寄送时间。")
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-testid=follow-ups] >> text=电话确认样品寄送时间。")
    assert [body["occurred_at"] for body in sent] == ["2026-11-23T09:00:00+08:00"]
    assert "2026-11-23 09:00" in await page.inner_text("[data-testid=follow-ups]")
