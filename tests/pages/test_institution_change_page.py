"""基础信息变更 in a real browser at 375×667 on the sandbox demo (seed 000 一.6): an institution registered and
approved this year (set up through the API as the other pages' tests do it on the page) opens 机构登记, presses
申请变更基础信息, finds the form prefilled from its approved record, changes the staff number and a typical case
and submits; the list shows the change under review and the record is unchanged; 赵局长 of 杭州市科技局 opens it
from 待我审核, sees the difference (field, old, new) and approves; the record then holds the new values under the
same registration number."""

from __future__ import annotations

from typing import Any

from tests.pages.browser import api_json, browser, demo_site, keep_screenshot, phone  # noqa: F401
from tests.pages.registration_setup import NAME, certified_and_registered, register_newcomer, sign_in_reviewer

NEWCOMER = "13700000051"
FORM = "[data-form=institution_change]"


async def test_change_the_basic_information_and_the_city_approves_seeing_the_difference(
    browser: Any,  # noqa: F811
    demo_site: str,  # noqa: F811
) -> None:
    base = demo_site
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    token = await register_newcomer(page, base, "王海燕", NEWCOMER)
    # Certified by the platform and registered by the city, through the API (their pages have their own tests).
    first = await certified_and_registered(base, token, NEWCOMER)

    # 申请变更基础信息: the form prefilled from the approved record.
    await page.goto(f"{base}/m/workbench/#/institution-registration")
    await page.wait_for_selector("[data-testid=number]")
    number = await page.inner_text("[data-testid=number]")
    await page.click("[data-testid=change]")
    await page.wait_for_selector(f"{FORM} [data-field=staff_total] input")
    assert await page.input_value(f"{FORM} [data-field=staff_total] input") == "20"
    await page.fill(f"{FORM} [data-field=staff_total] input", "25")
    second_case = page.locator(f"{FORM} [data-field=cases] .kz-group-item").nth(1)
    await second_case.locator("[data-field=content] textarea").fill("组织校企联合开发涂层材料，已实现量产并出口。")
    await page.click(f"{FORM} [data-testid=submit]")
    await page.wait_for_selector("[data-testid=change-fields]")
    change = page.locator("[data-kind=change]")
    assert "审核中" in await change.inner_text()
    assert "总人数" in await page.inner_text("[data-testid=change-fields]")
    assert await page.locator(FORM).count() == 0  # nothing to edit while the city reviews
    record = await api_json(base, "GET", f"/api/v1/institution-registrations/{first['id']}", token)
    assert record["values"]["staff_total"] == 20  # unchanged until approved

    # 赵局长 opens it from 待我审核: the difference, field by field, then 通过.
    city = await sign_in_reviewer(browser, f"{base}/m/workbench/?dd_user=dt-zhao#/reviews", "Official2026!")
    city.on("pageerror", lambda e: errors.append(str(e)))
    await city.click(f".van-cell:has-text('{NAME}（基础信息变更）')")
    await city.wait_for_selector("[data-testid=difference]")
    rows = await city.locator("[data-testid=difference] tbody tr").all_inner_texts()
    cells = [[c.strip() for c in row.split("\t")] for row in rows]
    assert ["总人数", "20人", "25人"] in cells
    assert [
        "典型案例（第2项）·案例内容",
        "组织校企联合开发涂层材料，已实现量产。",
        "组织校企联合开发涂层材料，已实现量产并出口。",
    ] in cells
    assert len(cells) == 2
    await keep_screenshot(city, "workbench-institution-change-review")
    await city.click("[data-testid=approve]")
    await city.wait_for_selector("[data-testid=status] >> text=审核通过")

    # The record holds the new values under the same number; the change row says 审核通过.
    await page.reload()
    await page.wait_for_selector("[data-kind=change] [data-testid=status] >> text=审核通过")
    assert await page.inner_text("[data-testid=number]") == number
    record = await api_json(base, "GET", f"/api/v1/institution-registrations/{first['id']}", token)
    assert record["values"]["staff_total"] == 25 and record["registration_number"] == number.split()[-1]
    assert not errors, errors
