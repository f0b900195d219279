"""指定机构公开 in a real browser: the publication form offers the other institutions by name (the API's
/institution-directory, the field's choices_source); 李强 ticks one and the demand is published to it."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import credit_code
from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)

OTHER = "宁波大学技术转移中心"


async def system_admin(base: str) -> str:
    """The demo's 王敏 with the starting password changed, as the first sign-in requires."""
    session = await api_json(
        base, "POST", "/api/v1/auth/password-login", body={"mobile": "13800000001", "password": "kezhuan2026"}
    )
    token = str(session["token"])
    body = {"old_password": "kezhuan2026", "new_password": "Kezhuan#2027x"}
    await api_json(base, "POST", "/api/v1/auth/password", token, body)
    return token


async def test_an_admin_picks_another_institution_by_name_and_publishes_to_it(browser: Any, demo_site: str) -> None:
    wang = await system_admin(demo_site)
    created = await api_json(
        demo_site,
        "POST",
        "/api/v1/institutions",
        wang,
        {
            "name": OTHER,
            "credit_code": credit_code(4242),
            "type": "university",
            "region_code": "330203",
            "admin_name": "钱立",
            "admin_mobile": "13800004242",
            "service_types": ["technology_transfer"],
            "introduction": "宁波大学的技术转移机构。",
        },
    )
    other_id = created["institution_id"]
    li = await dingtalk_session(demo_site, "dt-li")
    demand_id = (await api_json(demo_site, "GET", "/api/v1/demands?status=docking", li))["items"][0]["demand_id"]

    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/demands/{demand_id}")
    await page.click("[data-action=publish]")
    form = page.locator("[data-form=publication]")
    await form.locator("[data-field=audience] .van-field").click()
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text="指定机构公开").click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()
    boxes = form.locator("[data-field=institution_ids] .van-checkbox")
    await boxes.first.wait_for()
    # Every other institution by name; never 李强's own.
    assert [b.strip() for b in await boxes.all_inner_texts()] == [OTHER]
    await boxes.filter(has_text=OTHER).click()
    await form.locator("[data-field=fee_ratio_bp] input").fill("10")
    await form.locator("[data-testid=submit]").click()

    # Back on the demand, now 已公开.
    await page.locator("[data-testid=status]", has_text="已公开").wait_for()
    mine = await api_json(demo_site, "GET", "/api/v1/publications", li)
    [published] = [p for p in mine["items"] if p["demand_id"] == demand_id]
    assert (published["audience"], published["institution_ids"], published["fee_ratio_bp"]) == (
        "chosen",
        [other_id],
        1000,
    )
    await keep_screenshot(page, "workbench-publish-chosen")
    assert not errors, errors
