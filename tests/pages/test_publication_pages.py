"""Accepting a publication in a real browser: the commitment letter is shown and must be confirmed, and the
acceptance names the letter seen (version and sha256) and the docking staff member. The demo has one institution,
so the offer, its letter and the acceptance are answered here by `page.route` in the API's shapes; the staff list
and the demand shown afterwards are the demo's."""

from __future__ import annotations

import json
from typing import Any

from tests.pages.browser import api_json, browser, demo_site, dingtalk_session, phone  # noqa: F401  (fixtures)

LETTER = {
    "publication_id": 7,
    "letter_version": "2026-01",
    "text": "承诺函\n\n本机构承诺按公开方设定的中介服务费比例10%支付中介服务费。",
    "sha256": "a" * 64,
}


async def test_accepting_a_publication_shows_the_letter_and_requires_confirming_it(
    browser: Any, demo_site: str
) -> None:
    token = await dingtalk_session(demo_site, "dt-li")
    demand_id = (await api_json(demo_site, "GET", "/api/v1/demands?status=docking", token))["items"][0]["demand_id"]
    offer = {
        "id": 7,
        "side": "offered",
        "demand_id": demand_id,
        "demand_number": "XQ2026-000099",
        "demand_title": "海水淡化膜组件国产化",
        "publisher_institution": "宁波大学技术转移中心",
        "audience": "all",
        "institution_ids": [],
        "fee_ratio_bp": 1000,
        "status": "open",
        "published_at": "2026-11-20T10:00:00+08:00",
        "accepted_institution": None,
        "accepted_at": None,
    }
    accepted: list[dict[str, Any]] = []

    async def publications(route: Any) -> None:
        await route.fulfill(status=200, content_type="application/json", body=json.dumps({"items": [offer]}))

    async def letter(route: Any) -> None:
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(LETTER))

    async def accept(route: Any) -> None:
        accepted.append(json.loads(route.request.post_data))
        body = {"publication_id": 7, "demand_id": demand_id, "staff_account_id": 4, "letter_sha256": "a" * 64}
        await route.fulfill(status=200, content_type="application/json", body=json.dumps(body))

    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.route("**/api/v1/publications", publications)
    await page.route("**/api/v1/publications/7/letter", letter)
    await page.route("**/api/v1/publications/7/accept", accept)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-li")
    await page.click(".van-grid-item:has-text('需求公开')")
    await page.click(".van-cell:has-text('海水淡化膜组件国产化')")
    await page.wait_for_selector("[data-testid=letter]")
    assert "中介服务费比例10%" in await page.inner_text("[data-testid=letter]")
    confirm = page.locator("button:has-text('确认受理')")
    assert await confirm.is_disabled()  # not before the letter is confirmed

    await page.click(".van-cell:has-text('对接技术转移人员')")
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text="张三").first.click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()
    await page.click("[data-testid=confirm-letter]")
    await confirm.click()
    await page.wait_for_selector("[data-testid=timeline]")
    staff = await api_json(demo_site, "GET", "/api/v1/staff?page_size=100", token)
    zhang = next(s for s in staff["items"] if s["name"] == "张三")
    assert accepted == [
        {"letter_version": "2026-01", "letter_sha256": "a" * 64, "staff_member_id": zhang["staff_member_id"]}
    ]
    assert not errors, errors
