"""技术转移机构登记 in a real browser at 375×667 on the sandbox demo (seed 000 一.4): a newcomer registers, certifies
its unit (the platform approves), opens 机构登记 from the home, sees its certified identity locked, saves a draft
(保存), submits (提交) and sees 审核中 with the receipt number; 赵局长 of 杭州市科技局 rejects from 待我审核 with a
reason; the applicant reads it (查看), edits and submits again; the city approves and the page shows the number."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.pages.browser import browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.pages.registration_setup import (
    CODE,
    NAME,
    attach_licence,
    licence_pdf,
    look_up_unit,
    register_newcomer,
    sign_in_reviewer,
)

NEWCOMER = "13700000041"
FORM = "[data-form=institution_registration]"


async def choose(page: Any, field: str, option: str) -> None:
    await page.click(f"{FORM} [data-field={field}] .van-field")
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text=option).first.click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()


async def fill(page: Any, field: str, value: str) -> None:
    await page.fill(f"{FORM} [data-field={field}] input, {FORM} [data-field={field}] textarea", value)


async def test_register_an_institution_on_the_page(browser: Any, demo_site: str, tmp_path: Path) -> None:  # noqa: F811
    licence = licence_pdf(tmp_path)
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await register_newcomer(page, demo_site, "王海燕", NEWCOMER)

    # Before certification the registration page sends the applicant to 单位认证.
    await page.click(".van-grid-item:has-text('机构登记')")
    await page.wait_for_selector("[data-testid=not-certified]")
    await page.click("[data-testid=not-certified] button")
    await page.wait_for_selector("[data-form=unit_certification]")
    await look_up_unit(page)
    await attach_licence(page, licence)
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-testid=status] >> text=审核中")
    admin = await sign_in_reviewer(browser, f"{demo_site}/m/workbench/?dd_user=dt-sysadmin#/reviews", "Platform2026!")
    admin.on("pageerror", lambda e: errors.append(str(e)))
    await admin.click(f".van-cell:has-text('{NAME}')")
    await admin.click("[data-testid=approve]")
    await admin.wait_for_selector("[data-testid=status] >> text=已认证")

    # The identity is filled in and locked; 保存 keeps a half-filled draft.
    await page.goto(f"{demo_site}/m/workbench/#/institution-registration")
    await page.wait_for_selector(f"{FORM} [data-field=nature]")
    identity = await page.inner_text("[data-testid=identity]")
    assert NAME in identity and CODE in identity and "不能修改" in identity
    await choose(page, "nature", "内设机构")
    await fill(page, "department", "技术转移中心")
    await fill(page, "introduction", "专注新材料领域的技术转移服务。联系人：王海燕，电话13700000041。")
    await page.click(f"{FORM} [data-testid=draft]")
    await page.wait_for_selector("[data-testid=status] >> text=未提交")
    await page.wait_for_function(
        f"(document.querySelector('{FORM} [data-field=department] input') || {{}}).value === '技术转移中心'"
    )

    # 提交 with the rest missing: the errors stand under their fields.
    await page.click(f"{FORM} [data-testid=submit]")
    await page.wait_for_selector(f"{FORM} [data-field=plan] >> text=请填写发展规划")

    await choose(page, "category", "市场化机构")
    await page.click(f"{FORM} [data-field=service_industries] .van-checkbox:has-text('新材料')")
    await fill(page, "international_transfer", "无")
    for field, value in (
        ("head_name", "王海燕"),
        ("head_position", "主任"),
        ("head_mobile", NEWCOMER),
        ("contact_name", "李明"),
        ("contact_mobile", "13700000042"),
        ("staff_total", "20"),
        ("staff_transfer", "8"),
        ("staff_full_time", "5"),
        ("basic_situation", "定位于新材料成果转化。规章制度：技术转移服务管理制度；服务规范：项目对接服务规范。"),
        ("performance", "近三年促成技术合同30项。"),
        ("reputation", "无"),
        ("plan", "完善成果转化制度，提升服务能力。"),
    ):
        await fill(page, field, value)
    # The form opens with the two cases the seed asks for at least.
    assert await page.locator(f"{FORM} [data-field=cases] .kz-group-item").count() == 2
    for n in range(2):
        item = page.locator(f"{FORM} [data-field=cases] .kz-group-item").nth(n)
        await item.locator("[data-field=title] input").fill(f"典型案例{n + 1}")
        await item.locator("[data-field=content] textarea").fill(f"促成第{n + 1}项成果转化，合同金额100万元。")
    await page.click(f"{FORM} [data-testid=submit]")
    await page.wait_for_selector("[data-testid=status] >> text=审核中")
    shown = await page.inner_text("[data-registration]")
    assert f"{NAME}技术转移中心" in shown and "受理编号" in shown and "审核期限" in shown
    assert await page.locator(FORM).count() == 0  # nothing to edit while the city reviews
    await keep_screenshot(page, "workbench-institution-registration")

    # 赵局长 (杭州市科技局) rejects from 待我审核 with a reason.
    city = await sign_in_reviewer(browser, f"{demo_site}/m/workbench/?dd_user=dt-zhao#/reviews", "Official2026!")
    city.on("pageerror", lambda e: errors.append(str(e)))
    await city.click(f".van-cell:has-text('{NAME}技术转移中心')")
    await city.wait_for_selector("[data-testid=reject]")
    assert "内设机构" in await city.inner_text("[data-testid=registration]")
    await city.click("[data-testid=reject]")
    await city.fill("[name=reason]", "典型案例未体现机构作用")
    await city.click("[data-testid=reject]")
    await city.wait_for_selector("[data-testid=status] >> text=审核不通过")

    # The applicant reads the reason (查看), edits and submits again.
    await page.reload()
    await page.wait_for_selector("[data-testid=status] >> text=审核不通过")
    await page.click("[data-testid=view-reason]")
    await page.wait_for_selector("[data-testid=reason] >> text=典型案例未体现机构作用")
    await page.click(".van-dialog__confirm")
    await fill(page, "plan", "完善成果转化制度，提升服务能力，建设专业化人才队伍。")
    await page.click(f"{FORM} [data-testid=submit]")
    await page.wait_for_selector("[data-testid=status] >> text=审核中")

    await city.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhao#/reviews")
    await city.click(f".van-cell:has-text('{NAME}技术转移中心')")
    await city.click("[data-testid=approve]")
    await city.wait_for_selector("[data-testid=status] >> text=审核通过")

    await page.reload()
    await page.wait_for_selector("[data-testid=number]")
    number = await page.inner_text("[data-testid=number]")
    assert re.search(r"330100\d{4}0001", number), number
    assert await page.locator(FORM).count() == 0
    await keep_screenshot(page, "workbench-institution-registered")
    assert not errors, errors
