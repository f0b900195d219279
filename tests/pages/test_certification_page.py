"""Registration and 单位认证 in a real browser at 375×667 on the sandbox demo: a newcomer registers outside DingTalk
with phone and SMS code, opens 单位认证 from the home, prefills from the business registry by the unit's full name,
uploads the licence and submits; the page shows 审核中 with the receipt number; a second submission is not offered
while the platform reviews; the system admin approves from 待我审核 and the applicant's page shows 已认证."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.pages.browser import browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.pages.registration_setup import (
    CODE,
    LEGAL,
    NAME,
    attach_licence,
    licence_pdf,
    look_up_unit,
    register_newcomer,
)

NEWCOMER = "13700000031"


async def test_certify_a_unit_on_the_page(browser: Any, demo_site: str, tmp_path: Path) -> None:  # noqa: F811
    licence = licence_pdf(tmp_path)
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await register_newcomer(page, demo_site, "周主任", NEWCOMER)  # a plain browser: no DingTalk
    assert await page.inner_text(".kz-hello h1") == "周主任"
    await page.click(".van-grid-item:has-text('单位认证')")
    await page.wait_for_selector("[data-form=unit_certification] [data-field=credit_code]")

    # A wrong check character is the API's refusal, shown under the field.
    await page.fill("[data-field=name] input", "某某技术转移有限公司")
    await page.fill("[data-field=credit_code] input", CODE[:-1] + "B")
    await page.fill("[data-field=legal_representative] input", LEGAL)
    await attach_licence(page, licence)
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-field=credit_code] >> text=校验位不正确")

    # The registry fills the name, code and legal representative; the licence is added again on the new form.
    await look_up_unit(page)
    assert await page.input_value("[data-field=legal_representative] input") == LEGAL
    assert await page.input_value("[data-field=name] input") == NAME
    await attach_licence(page, licence)
    await page.click("[data-testid=submit]")

    await page.wait_for_selector("[data-testid=status] >> text=审核中")
    shown = await page.inner_text("[data-testid=certification]")
    assert CODE in shown and "受理编号" in shown and "与工商登记一致" in shown
    assert await page.locator("[data-form=unit_certification]").count() == 0
    assert await page.locator("[data-testid=again]").count() == 0  # nothing to resubmit while under review
    await keep_screenshot(page, "workbench-certification")

    # The platform: 王敏 (system admin) finds it in 待我审核, opens it and approves.
    admin = await phone(browser)
    admin.on("pageerror", lambda e: errors.append(str(e)))
    await admin.goto(f"{demo_site}/m/workbench/?dd_user=dt-sysadmin#/reviews")
    # The demo's system admin still has the password the operator set: the page asks for a new one first.
    await admin.wait_for_selector("text=修改初始密码")
    await admin.fill("input[name=old_password]", "kezhuan2026")
    await admin.fill("input[name=new_password]", "Platform2026!")
    await admin.fill("input[name=again]", "Platform2026!")
    await admin.click("button:has-text('确定')")
    await admin.click(f".van-cell:has-text('{NAME}')")
    await admin.wait_for_selector("[data-testid=approve]")
    assert CODE in await admin.inner_text("[data-testid=certification]")
    await admin.click("[data-testid=reject]")  # a reason is asked first
    await admin.wait_for_selector("[name=reason]")
    await admin.click("[data-testid=approve]")
    await admin.wait_for_selector("[data-testid=status] >> text=已认证")
    await keep_screenshot(admin, "workbench-certification-review")

    await page.reload()
    await page.wait_for_selector("[data-testid=status] >> text=已认证")
    assert "认证通过后不能修改" in await page.inner_text("[data-testid=certification]")
    assert await page.locator("[data-testid=again]").count() == 1  # 变更信息并重新认证
    assert not errors, errors
