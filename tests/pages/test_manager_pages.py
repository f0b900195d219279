"""技术经理人登记 in a real browser at 375×667 on the sandbox demo: a newcomer registers outside DingTalk, opens
技术经理人登记 from the home, fills the served form with the demo institution's invitation code (pickers, dates,
the work segment and the project groups), submits and sees 审核中 at 机构审核 with the receipt number; 李强
(institution admin) finds the manager in 经理人审核, opens the record and approves it for the institution; once
the city has approved, he returns it (驳回更新), the manager edits the prefilled form and resubmits, and 李强 finds
it in 经理人驳回更新; deleting the registered manager is refused while the update is reviewed, and afterwards goes
to the platform."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from handlers.registration.manager_id_number import check_character
from tests.pages.browser import (  # noqa: F401  (fixtures)
    DEMO_START,
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)
from tests.pages.registration_setup import register_newcomer

NEWCOMER = "13700000041"
ID_FIRST17 = "11010519850301002"


async def pick(page: Any, field: str, *options: str) -> None:
    """Open the picker of `field` (a selector) and choose each option in its column, then 确认."""
    await page.click(f"{field} .van-field")
    popup = page.locator(".van-popup--bottom:visible")
    await popup.wait_for()
    for option in options:
        await popup.locator(".van-picker-column__item", has_text=option).first.click()
        await page.wait_for_timeout(400)  # the column settles on the tapped option
    await popup.locator(".van-picker__confirm").click()
    await popup.wait_for(state="hidden")


async def demo_code(base: str) -> str:
    """An active technology-manager code of the demo institution, made by 李强 over the API when it has none."""
    token = await dingtalk_session(base, "dt-li")
    me = await api_json(base, "GET", "/api/v1/me", token)
    institution = next(g["institution_id"] for g in me["roles"] if g["role"] == "institution_admin")
    codes = await api_json(base, "GET", f"/api/v1/institutions/{institution}/invitation-codes?page_size=100", token)
    for code in codes["items"]:
        if code.get("purpose") == "technology_manager" and code.get("status") == "active":
            return str(code["code"])
    made = await api_json(
        base,
        "POST",
        f"/api/v1/institutions/{institution}/invitation-codes",
        token,
        {"expires_at": (DEMO_START + timedelta(days=30)).isoformat(), "max_uses": 5},
    )
    return str(made["code"])


async def test_a_manager_registers_with_the_code_and_the_institution_sees_it(
    browser: Any,  # noqa: F811
    demo_site: str,  # noqa: F811
) -> None:
    code = await demo_code(demo_site)
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.clock.install(time=DEMO_START)  # the date pickers open on the demo's day
    await register_newcomer(page, demo_site, "孙经理", NEWCOMER)  # a plain browser: no DingTalk
    await page.click(".van-grid-item:has-text('技术经理人登记')")
    form = "[data-form=technology_manager]"
    await page.wait_for_selector(f"{form} [data-field=invitation_code]")
    # Without a code the scans are asked for (an individual registration); with one they are not.
    assert await page.locator(f"{form} [data-field=id_card_file_id]").count() == 1
    await page.fill("[data-field=invitation_code] input", code)
    assert await page.locator(f"{form} [data-field=id_card_file_id]").count() == 0

    await page.fill("[data-field=name] input", "孙经理")
    await pick(page, "[data-field=gender]", "男")
    await pick(page, "[data-field=political_status]", "群众")
    await pick(page, "[data-field=work_started_on]")
    await page.fill("[data-field=mobile] input", NEWCOMER)
    await page.fill("[data-field=id_number] input", ID_FIRST17 + check_character(ID_FIRST17))
    await pick(page, "[data-field=education]", "硕士研究生")
    await page.fill("[data-field=school] input", "浙江大学")
    await page.fill("[data-field=major] input", "材料科学")
    await page.fill("[data-field=title_name] input", "工程师")
    await pick(page, "[data-field=title_level]", "中级")
    await page.fill("[data-field=training] textarea", "无")
    segment = "[data-field=work_history] .kz-group-item"
    await pick(page, f"{segment} [data-field=started_on]", "2024")  # two years before the demo's day
    await pick(page, f"{segment} [data-field=ended_on]")
    await page.fill(f"{segment} [data-field=employer] input", "杭州技术转移中心")
    await page.fill(f"{segment} [data-field=duty] input", "成果转化对接")
    project = "[data-field=projects] .kz-group-item"
    await page.fill(f"{project} [data-field=name] input", "新材料成果许可")
    await page.fill(f"{project} [data-field=content] textarea", "本人负责对接企业并促成许可。")
    await page.fill(f"{project} [data-field=amount_fen] input", "50000")
    await page.fill(f"{project} [data-field=role] input", "项目负责人")
    await page.fill(f"{project} [data-field=source] input", "浙江大学")
    await pick(page, f"{project} [data-field=landing]", "国内")
    await pick(page, f"{project} [data-field=landing_province]", "河北省")
    await page.fill("[data-field=promotion] textarea", "无")
    await page.fill("[data-field=awards] textarea", "2025年度优秀技术经理人")
    await page.click("[data-testid=submit]")

    await page.wait_for_selector("[data-testid=status] >> text=审核中（机构审核）")
    shown = await page.inner_text("[data-testid=manager]")
    assert "受理编号" in shown and code in shown and "机构邀请码登记" in shown
    assert await page.locator(form).count() == 0  # nothing to edit while the institution reviews

    # 李强 finds the manager in 经理人审核 and opens the record, where he decides for the institution.
    li = await phone(browser)
    li.on("pageerror", lambda e: errors.append(str(e)))
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li")
    await li.click(".van-grid-item:has-text('经理人审核')")
    await li.click(".van-cell:has-text('孙经理')")
    await li.wait_for_selector("[data-testid=status] >> text=机构审核")
    record = await li.inner_text("[data-testid=record]")
    assert "浙江大学" in record and "中级" in record and "河北省" in await li.inner_text("[data-group=projects]")
    assert await li.locator("[data-testid=delete]").count() == 1  # the bound institution's admin may delete
    await li.click("[data-testid=reject]")  # a reason is asked first
    await li.wait_for_selector("[name=reason]")
    await li.click("[data-testid=approve]")
    await li.wait_for_selector("[data-testid=status] >> text=市级审核")
    assert await li.locator("[data-testid=approve]").count() == 0  # the city's stage is not his
    await keep_screenshot(li, "workbench-manager-review")

    # The city approves (its card's decision, over the API); the manager is registered.
    city = await dingtalk_session(demo_site, "dt-zhao")
    waiting = await api_json(demo_site, "GET", "/api/v1/reviews/mine", city)
    review = next(r for r in waiting["items"] if "孙经理" in r["title"])
    decision = {"decision": "approve", "stage": review["stage"], "reason": ""}
    await api_json(demo_site, "POST", f"/api/v1/reviews/{review['review_id']}/decision", city, decision)

    # 驳回更新: 李强 returns the approved record with a note; the manager edits the prefilled form and resubmits.
    await li.reload()
    await li.wait_for_selector("[data-testid=status] >> text=已登记")
    await li.click("[data-testid=return-update]")
    await li.fill("textarea[name=note]", "请补充培训情况")
    await li.click("[data-testid=return-update]")
    await li.wait_for_selector("[data-testid=status] >> text=退回修改")

    await page.reload()
    await page.wait_for_selector("[data-testid=reason] >> text=请补充培训情况")
    await page.wait_for_function(
        "(document.querySelector('[data-field=school] input') || {}).value === '浙江大学'"
    )  # the form comes back filled with the record
    assert await page.input_value("[data-field=work_history] [data-field=employer] input") == "杭州技术转移中心"
    assert await page.input_value("[data-field=projects] [data-field=amount_fen] input") == "50000"
    await page.fill("[data-field=training] textarea", "2025年技术经理人培训")
    await page.click("[data-testid=submit]")
    await page.wait_for_selector("[data-testid=status] >> text=审核中（机构审核）")

    # It is listed in 经理人驳回更新, no longer in 经理人审核.
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/technology-managers")
    await li.wait_for_selector(".van-empty, [data-manager]")
    assert await li.locator(".van-cell:has-text('孙经理')").count() == 0
    await li.click(".van-tab:has-text('经理人驳回更新')")
    await li.click(".van-cell:has-text('孙经理')")
    await li.wait_for_selector("[data-testid=status] >> text=机构审核")
    assert "2025年技术经理人培训" in await li.inner_text("[data-testid=record]")
    await keep_screenshot(li, "workbench-manager-update")

    # Deleting a registered manager: refused while the update is under review, then sent to the platform.
    await li.click("[data-testid=delete]")
    await li.wait_for_selector(".van-dialog >> text=须经平台审核")
    await li.click(".van-dialog__confirm")
    await li.wait_for_selector(".van-toast >> text=请审核完成后再删除")
    await li.click("[data-testid=approve]")
    await li.wait_for_selector("[data-testid=status] >> text=市级审核")
    waiting = await api_json(demo_site, "GET", "/api/v1/reviews/mine", city)
    review = next(r for r in waiting["items"] if "孙经理" in r["title"])
    decision = {"decision": "approve", "stage": review["stage"], "reason": ""}
    await api_json(demo_site, "POST", f"/api/v1/reviews/{review['review_id']}/decision", city, decision)
    await li.reload()
    await li.wait_for_selector("[data-testid=status] >> text=已登记")
    await li.click("[data-testid=delete]")
    await li.click(".van-dialog__confirm")
    await li.wait_for_selector("[data-testid=manager] >> text=平台审核中")
    assert await li.locator("[data-testid=delete]").count() == 0  # one request to the platform at a time
    await keep_screenshot(li, "workbench-manager-deletion")
    assert not errors, errors
