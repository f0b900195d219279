"""张三's own changes to his demands in a real browser at 375×667 on the sandbox demo: a returned demand edited on
the served form `demand_edit` (prefilled) and sent to review again, a pending one withdrawn after a confirmation,
a refusal shown as the API's Chinese message; attachments, a follow-up's file and the project's contract
downloaded through the short-lived link with their bytes intact; follow-up kinds and push statuses by name."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import aiohttp

from sandbox.documents import make_pdf
from tests.pages.browser import (  # noqa: F401  (fixtures)
    DEMO_START,
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)
from tests.pages.test_staff_journey import uploaded, workbench

RETURNED = "高强铝合金薄壁件成形工艺"  # the demo's demand 李强 returned for update
PENDING = "刻蚀腔体温度场仿真优化"  # the demo's demand waiting for 李强's review
DRAFT = "MEMS传感器低温漂补偿算法"  # the demo's draft
COMPLETED = "晶圆传输机械手定位精度提升"  # the demo's demand with a registered project and its contract


async def demand_id(base: str, token: str, status: str, title: str) -> int:
    page = await api_json(base, "GET", f"/api/v1/demands?status={status}&page_size=50", token)
    return int(next(d["demand_id"] for d in page["items"] if d["title"] == title))


async def buttons(page: Any) -> list[str]:
    """The change buttons under the detail (drawn once the working pages have loaded), by their action key."""
    await page.wait_for_selector("[data-testid=demand-changes] [data-action]")
    keys = "els => els.map((e) => e.dataset.action)"
    return list(await page.eval_on_selector_all("[data-testid=demand-changes] [data-action]", keys))


async def download(page: Any, selector: str) -> tuple[str, bytes]:
    """Tap `selector` and wait for the file the page opens; its suggested name and its bytes."""
    async with page.expect_download() as started:
        await page.click(selector)
    done = await started.value
    path = await done.path()
    with open(path, "rb") as saved:
        return done.suggested_filename, saved.read()


async def test_a_returned_demand_is_edited_on_its_form_and_sent_to_review_again(
    browser: Any, demo_site: str, tmp_path: Any
) -> None:
    zhang_token = await dingtalk_session(demo_site, "dt-zhang")
    returned = await demand_id(demo_site, zhang_token, "returned", RETURNED)
    before = await api_json(demo_site, "GET", f"/api/v1/demands/{returned}", zhang_token)
    content = make_pdf("process parameters")
    attachment = tmp_path / "工艺参数表.pdf"
    attachment.write_bytes(content)

    errors: list[str] = []
    zhang = await workbench(browser, demo_site, "dt-zhang", f"#/demands/{returned}", errors)
    # Exactly what the API allows its owner while 退回修改: edit, send to review, close; not withdraw.
    assert await buttons(zhang) == ["edit", "submit", "close"]
    assert await zhang.inner_text("[data-testid=status]") == "退回修改"

    await zhang.click("[data-action=edit]")
    await zhang.wait_for_selector("[data-form=demand_edit] [data-field=title]")
    # Prefilled: the text as it is, the fee ratio in the unit typed, names (not codes) in the pickers.
    await zhang.wait_for_function("document.querySelector('[data-field=title] input').value !== ''")
    assert await zhang.input_value("[data-field=title] input") == RETURNED
    assert await zhang.input_value("[data-field=fee_ratio_bp] input") == "8"
    assert await zhang.input_value("[data-field=budget_fen] input") == str(before["budget_fen"] // 100)
    assert before["region_name"].endswith("钱塘区")
    assert "钱塘区" in await zhang.input_value("[data-field=region_code] input")
    assert before["tech_field_names"][0]["name"] in await zhang.inner_text("[data-field=tech_fields]")
    assert await zhang.input_value("[data-field=deadline] input") == before["deadline"]

    # A fee ratio below the platform's floor: refused, with the API's own message.
    await zhang.fill("[data-field=fee_ratio_bp] input", "1")
    await zhang.click("[data-testid=submit]")
    await zhang.wait_for_selector(".van-toast >> text=平台下限")
    await zhang.fill("[data-field=fee_ratio_bp] input", "8")

    await zhang.fill("[data-field=expected_result] textarea", "开裂率降到0.5%以下")
    await zhang.set_input_files("[data-field=attachment_ids] input[type=file]", str(attachment))
    await uploaded(zhang, "attachment_ids")
    async with zhang.expect_response(lambda r: r.url.endswith(f"/api/v1/demands/{returned}")) as sent:
        await zhang.click("[data-testid=submit]")
    assert (await sent.value).request.method == "PUT" and (await sent.value).ok
    await zhang.wait_for_selector("[data-testid=timeline]")
    assert await zhang.inner_text("[data-testid=status]") == "退回修改"
    assert "开裂率降到0.5%以下" in await zhang.inner_text("#app")
    after = await api_json(demo_site, "GET", f"/api/v1/demands/{returned}", zhang_token)
    # Only what was changed changed: the untouched fields went back as they were.
    unchanged = ("title", "tech_fields", "region_code", "fee_ratio_bp", "budget_fen", "deadline", "description")
    assert {k: after[k] for k in unchanged} == {k: before[k] for k in unchanged}
    assert after["expected_result"] == "开裂率降到0.5%以下"

    # The attachment is listed with its size; a tap downloads it through the short-lived link.
    files = await zhang.inner_text("[data-testid=files]")
    assert "工艺参数表.pdf" in files and "KB" in files
    async with zhang.expect_response(lambda r: r.url.endswith("/link") and r.request.method == "POST") as linked:
        name, body = await download(zhang, "[data-testid=files] [data-file]")
    link = await (await linked.value).json()
    assert link["url"].startswith("/api/v1/file-links/")
    assert (name, body) == ("工艺参数表.pdf", content)

    # 提交审核, confirmed: 待审核, and now the only change left to its owner is 撤回.
    await zhang.click("[data-action=submit]")
    await zhang.click(".van-dialog__confirm")
    await zhang.wait_for_function("document.querySelector('[data-testid=status]').innerText === '待审核'")
    assert await buttons(zhang) == ["withdraw"]
    assert "提交审核" in await zhang.inner_text("[data-testid=timeline]")
    assert (await api_json(demo_site, "GET", f"/api/v1/demands/{returned}", zhang_token))["status"] == "pending_review"
    await keep_screenshot(zhang, "workbench-demand-resubmitted")
    assert not errors, errors


async def test_a_pending_demand_is_withdrawn_after_a_confirmation_and_a_stale_withdrawal_shows_why_not(
    browser: Any, demo_site: str
) -> None:
    zhang_token = await dingtalk_session(demo_site, "dt-zhang")
    pending = await demand_id(demo_site, zhang_token, "pending_review", PENDING)
    errors: list[str] = []
    zhang = await workbench(browser, demo_site, "dt-zhang", f"#/demands/{pending}", errors)
    assert await buttons(zhang) == ["withdraw"]

    # Cancelled: nothing sent, still 待审核.
    await zhang.click("[data-action=withdraw]")
    await zhang.wait_for_selector(".van-dialog >> text=撤回后需求回到草稿")
    await zhang.click(".van-dialog__cancel")
    await zhang.wait_for_selector(".van-dialog", state="hidden")
    assert (await api_json(demo_site, "GET", f"/api/v1/demands/{pending}", zhang_token))["status"] == "pending_review"

    await zhang.click("[data-action=withdraw]")
    await zhang.click(".van-dialog__confirm")
    await zhang.wait_for_function("document.querySelector('[data-testid=status]').innerText === '草稿'")
    assert "撤回" in await zhang.inner_text("[data-testid=timeline]")
    assert await buttons(zhang) == ["edit", "submit", "close"]

    # Sent again; 李强 approves it while 张三's page still offers 撤回: the API's refusal is shown as it says it.
    await zhang.click("[data-action=submit]")
    await zhang.click(".van-dialog__confirm")
    await zhang.wait_for_function("document.querySelector('[data-testid=status]').innerText === '待审核'")
    li_token = await dingtalk_session(demo_site, "dt-li")
    waiting = (await api_json(demo_site, "GET", "/api/v1/reviews/mine", li_token))["items"]
    review = next(r for r in waiting if r["title"] == PENDING)
    decision = {"decision": "approve", "stage": review["stage"], "reason": ""}
    await api_json(demo_site, "POST", f"/api/v1/reviews/{review['review_id']}/decision", li_token, decision)
    await zhang.click("[data-action=withdraw]")
    await zhang.click(".van-dialog__confirm")
    refusal = await zhang.wait_for_selector(".van-toast >> text=不能撤回")
    assert "对接中" in await refusal.inner_text()  # 需求当前为「对接中」，不能撤回
    assert (await api_json(demo_site, "GET", f"/api/v1/demands/{pending}", zhang_token))["status"] == "docking"
    assert not errors, errors


async def test_a_draft_is_closed_with_a_reason_the_api_requires(browser: Any, demo_site: str) -> None:
    zhang_token = await dingtalk_session(demo_site, "dt-zhang")
    draft = await demand_id(demo_site, zhang_token, "draft", DRAFT)
    errors: list[str] = []
    zhang = await workbench(browser, demo_site, "dt-zhang", f"#/demands/{draft}", errors)
    assert await buttons(zhang) == ["edit", "submit", "close"]
    await zhang.click("[data-action=close]")
    dialog = zhang.locator(".van-dialog:visible")
    await dialog.locator("textarea").wait_for()
    await dialog.locator(".van-dialog__confirm").click()  # no reason: the API asks for one, the dialog stays
    await zhang.wait_for_selector(".van-toast >> text=请填写关闭原因")
    await dialog.locator("textarea").fill("企业已找到合作单位")
    await dialog.locator(".van-dialog__confirm").click()
    await zhang.wait_for_function("document.querySelector('[data-testid=status]').innerText === '已关闭'")
    assert "企业已找到合作单位" in await zhang.inner_text("[data-testid=timeline]")
    assert await zhang.locator("[data-testid=demand-changes]").count() == 0  # nothing left to change
    assert not errors, errors


async def test_follow_up_kinds_and_push_statuses_by_name_and_files_downloaded(browser: Any, demo_site: str) -> None:
    zhang_token = await dingtalk_session(demo_site, "dt-zhang")
    docking = await demand_id(demo_site, zhang_token, "docking", "晶圆清洗设备国产化控制软件")
    note = make_pdf("call notes")
    stored = await upload(demo_site, zhang_token, "通话纪要.pdf", note)
    when = (DEMO_START - timedelta(hours=1)).isoformat()
    body = {"kind": "phone", "occurred_at": when, "content": "电话确认了产线验证时间。", "attachment_ids": [stored]}
    await api_json(demo_site, "POST", f"/api/v1/demands/{docking}/follow-ups", zhang_token, body)

    errors: list[str] = []
    zhang = await workbench(browser, demo_site, "dt-zhang", f"#/demands/{docking}", errors)
    await zhang.wait_for_selector("[data-testid=timeline]")
    assert "电话：电话确认了产线验证时间。" in await zhang.inner_text("[data-testid=timeline]")
    # The docking staff member may edit a demand in docking; its owner's other changes are over.
    assert await buttons(zhang) == ["edit", "close"]

    await zhang.click("[data-action=follow-ups]")
    await zhang.wait_for_selector("[data-testid=follow-ups] >> text=电话确认了产线验证时间。")
    listed = await zhang.inner_text("[data-testid=follow-ups]")
    assert "电话" in listed and "phone" not in listed
    await keep_screenshot(zhang, "workbench-follow-ups")
    assert (await download(zhang, "[data-testid=files] [data-file]")) == ("通话纪要.pdf", note)

    # The demo's push to 陈教授: its status by name, the API's label.
    pushes = await api_json(demo_site, "GET", f"/api/v1/demands/{docking}/expert-pushes", zhang_token)
    await zhang.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands/{docking}/experts")
    await zhang.wait_for_selector("[data-testid=pushes]")
    shown = await zhang.inner_text("[data-testid=pushes]")
    assert pushes["items"] and all(p["status_label"] in shown and p["status"] not in shown for p in pushes["items"])

    # The completed demand's project: its contract downloads as registered.
    completed = await demand_id(demo_site, zhang_token, "completed", COMPLETED)
    await zhang.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands/{completed}/project")
    await zhang.wait_for_selector("[data-testid=project]")
    assert (await download(zhang, "[data-testid=files] [data-file]")) == ("技术开发合同.pdf", make_pdf("contract"))
    await keep_screenshot(zhang, "workbench-project-files")
    assert not errors, errors


async def upload(base: str, token: str, name: str, content: bytes) -> int:
    form = aiohttp.FormData()
    form.add_field("file", content, filename=name, content_type="application/pdf")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}/api/v1/demand-attachments", data=form, headers={"Authorization": f"Bearer {token}"}) as r,
    ):
        assert r.status == 201, await r.text()
        return int((await r.json())["id"])
