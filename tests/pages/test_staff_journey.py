"""The staff journey in a real browser at 375×667 on the sandbox demo: 张三 submits a demand with an attachment on
the served form → 李强 approves it from his reviews → 张三 sees 对接中, adds a follow-up, pushes an expert and
registers the project. Forms come from fixtures in the contract's JSON (tests/pages/forms.py) until the forms
endpoint lands; every submission goes to the real API."""

from __future__ import annotations

import json
from typing import Any

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
from tests.pages.forms import DEMAND, serve_forms

TITLE = "高导热氮化铝陶瓷基板量产工艺"


async def workbench(browser: Any, base: str, userid: str, hash_: str = "", errors: list[str] | None = None) -> Any:
    """The person's phone with the workbench open through 免登; the browser's clock at the demo's morning.
    The page's uncaught script errors are added to `errors`."""
    page = await phone(browser)
    page.on("pageerror", lambda e: (errors if errors is not None else []).append(str(e)))
    # A running clock (a fixed one stops Vue's event handlers): the date pickers open on the demo's day.
    await page.clock.install(time=DEMO_START)
    await serve_forms(page)
    await page.goto(f"{base}/m/workbench/?dd_user={userid}{hash_}")
    return page


async def pick(page: Any, name: str, *options: str) -> None:
    """Open field `name`'s picker and choose: one option and 确认 (a picker), or a path of options (a cascader)."""
    await page.click(f"[data-field={name}] .van-field")
    popup = page.locator(".van-popup--bottom:visible")
    await popup.wait_for()
    if await popup.locator(".van-cascader").count():
        for option in options:
            await popup.locator(".van-cascader__option:visible", has_text=option).first.click()
    else:
        for option in options:
            await popup.locator(".van-picker-column__item", has_text=option).first.click()
            await page.wait_for_timeout(400)  # the column settles on the tapped option
        await popup.locator(".van-picker__confirm").click()
    await popup.wait_for(state="hidden")


async def uploaded(page: Any, name: str) -> None:
    """Field `name`'s files shown and uploaded (no progress mask left on them)."""
    previews = f"[data-field={name}] .van-uploader__preview"
    await page.wait_for_selector(previews)
    await page.wait_for_function(f"!document.querySelector('{previews} .van-uploader__mask')")


async def leaf_path(base: str, root: str, source: str) -> list[str]:
    """The names from a reference list's `root` down to its first leaf (what a person taps in the cascader)."""
    items = (await api_json(base, "GET", source))["items"]
    node = next(i for i in items if i["name"] == root)
    path = [node["name"]]
    while node["has_children"]:
        node = (await api_json(base, "GET", f"{source}?parent={node['code']}"))["items"][0]
        path.append(node["name"])
    return path


async def test_staff_submits_a_demand_the_admin_approves_and_staff_follow_it_to_a_project(
    browser: Any, demo_site: str, tmp_path: Any
) -> None:
    attachment = tmp_path / "需求说明.pdf"
    attachment.write_bytes(make_pdf("demand brief"))
    contract = tmp_path / "技术开发合同.pdf"
    contract.write_bytes(make_pdf("contract"))
    domain = (await api_json(demo_site, "GET", "/api/v1/tech-fields"))["items"][0]["name"]
    field_path = await leaf_path(demo_site, domain, "/api/v1/tech-fields")

    # 张三: 新增需求 from his home, on the served form.
    errors: list[str] = []
    zhang = await workbench(browser, demo_site, "dt-zhang", errors=errors)
    await zhang.wait_for_selector("[data-count]")
    loaded = await zhang.evaluate("[...document.scripts].map((s) => s.src)")
    assert any("/m/static/workbench.js" in u for u in loaded)
    assert not [u for u in loaded if "kz-form.js" in u or "workbench-staff.js" in u]  # the home stays small
    await zhang.click(".van-grid-item:has-text('新增需求')")
    await zhang.wait_for_selector("[data-form=demand] [data-field=title]")
    assert "基本信息" in await zhang.inner_text("[data-form=demand]")  # sections as declared
    await pick(zhang, "enterprise_id", "杭州新远材料有限公司")
    await zhang.fill("[data-field=title] input", TITLE)
    await pick(zhang, "tech_fields", *field_path)
    assert field_path[-1] in await zhang.inner_text("[data-field=tech_fields]")
    await pick(zhang, "region_code", "浙江省", "杭州市", "西湖区")
    assert "浙江省 / 杭州市 / 西湖区" in await zhang.input_value("[data-field=region_code] input")
    await zhang.fill("[data-field=description] textarea", "需要将氮化铝基板导热率提升到170W/mK以上并实现量产。")
    await zhang.fill("[data-field=expected_result] textarea", "形成稳定量产工艺，良率90%以上")
    assert "/2000" in await zhang.inner_text("[data-field=expected_result] .van-field__word-limit")  # a counter
    await zhang.fill("[data-field=budget_fen] input", "50")

    # A fee ratio below the platform's floor: the API refuses, and its message is shown as sent.
    await zhang.fill("[data-field=fee_ratio_bp] input", "1")
    await zhang.set_input_files("[data-field=attachment_ids] input[type=file]", str(attachment))
    await uploaded(zhang, "attachment_ids")
    await zhang.click("[data-testid=submit]")
    await zhang.wait_for_selector(".van-toast >> text=平台下限")

    await zhang.fill("[data-field=fee_ratio_bp] input", "8")
    async with zhang.expect_response(
        lambda r: r.url.endswith("/api/v1/demands") and r.request.method == "POST"
    ) as sent:
        await zhang.click("[data-testid=submit]")
    body = json.loads((await sent.value).request.post_data)
    assert body["fee_ratio_bp"] == 800 and body["budget_fen"] == 5000 and len(body["attachment_ids"]) == 1
    assert set(body) <= {f["name"] for f in DEMAND["fields"]}
    await zhang.wait_for_selector("[data-testid=timeline]")
    assert await zhang.inner_text("[data-testid=status]") == "待审核"
    assert "需求说明.pdf" in await zhang.inner_text("#app")
    assert "西湖区" in await zhang.inner_text("#app")
    demand_url = zhang.url

    # 李强: his reviews → this demand → 通过.
    li = await workbench(browser, demo_site, "dt-li", "#/reviews", errors)
    await li.locator("[data-review]", has_text=TITLE).click()
    await li.wait_for_selector("[data-testid=decision]")
    assert "杭州新远材料有限公司" in await li.inner_text("#app")
    await li.click("[data-decision=approve]")
    await li.wait_for_selector("[data-testid=timeline]")
    assert await li.inner_text("[data-testid=status]") == "对接中"

    # 张三 sees 对接中 and follows up.
    await zhang.goto(demand_url)
    await zhang.reload()
    await zhang.wait_for_selector("[data-testid=timeline]")
    assert await zhang.inner_text("[data-testid=status]") == "对接中"
    await zhang.click("[data-action=follow-ups]")
    await zhang.click("[data-testid=new-follow-up]")
    await zhang.wait_for_selector("[data-form=follow_up] [data-field=kind]")
    await pick(zhang, "kind", "走访")
    await zhang.click("[data-field=occurred_at] .van-field")
    await zhang.click(".van-popup--bottom:visible .van-picker__confirm")  # 下一步: the time
    await zhang.click(".van-popup--bottom:visible .van-picker__confirm")
    await zhang.fill("[data-field=content] textarea", "走访企业，确认了基板尺寸与导热指标。")
    await zhang.click("[data-testid=submit]")
    await zhang.wait_for_selector("[data-testid=follow-ups] >> text=走访企业，确认了基板尺寸与导热指标。")
    assert "走访" in await zhang.inner_text("[data-testid=follow-ups]")

    # 专家推送: the suggestions with their reasons; push the first.
    await zhang.go_back()
    await zhang.go_back()
    await zhang.click("[data-action=experts]")
    await zhang.fill("[data-testid=push-filters] [data-field=employer] input", "浙江大学")  # 专家所属机构
    async with zhang.expect_response(lambda r: "expert-suggestions?employer=" in r.url) as filtered:
        await zhang.click("[data-testid=filter]")
    assert (await filtered.value).ok
    first = zhang.locator("[data-expert]").first
    await first.wait_for()
    expert = (await first.inner_text()).split()[0]
    await first.click()
    await zhang.click("[data-testid=push]")
    await zhang.wait_for_selector(f"[data-testid=pushes] >> text={expert}")

    # 项目登记 with the contract: the demand is 已完成.
    await zhang.go_back()
    await zhang.click("[data-action=project]")
    await zhang.wait_for_selector("[data-form=project] [data-field=name]")
    await zhang.fill("[data-field=name] input", "氮化铝陶瓷基板量产工艺开发")
    await pick(zhang, "category", "技术开发")
    await zhang.fill("[data-field=amount_fen] input", "800000")
    await pick(zhang, "signed_on")
    await zhang.fill("[data-field=leader] input", "王工")
    await zhang.fill("[data-field=members] textarea", "李工\n赵工")  # a list of names, one per line
    await zhang.fill("[data-field=undertaking_unit] input", "浙江大学")
    await pick(zhang, "entity_type", "高校")
    await pick(zhang, "cooperation_mode", "委托开发")
    await zhang.set_input_files("[data-field=contract_file_id] input[type=file]", str(contract))
    await uploaded(zhang, "contract_file_id")
    await zhang.click("[data-testid=submit]")
    await zhang.wait_for_selector("[data-testid=project]")
    shown = await zhang.inner_text("[data-testid=project]")
    assert "技术开发" in shown and "800,000 元" in shown and "高校" in shown
    token = await zhang.evaluate("sessionStorage.getItem('kz.session./m/workbench/#dt-zhang')")
    demand_id = demand_url.rsplit("/", 1)[1]
    assert (await api_json(demo_site, "GET", f"/api/v1/demands/{demand_id}", token))["status"] == "completed"
    project = await api_json(demo_site, "GET", f"/api/v1/demands/{demand_id}/project", token)
    assert project["members"] == ["李工", "赵工"]

    # 中介费凭证 on the completed demand's project.
    await zhang.click("button:has-text('上传中介费凭证')")
    await zhang.wait_for_selector("[data-form=fee_proof] [data-field=paid_fen]")
    await zhang.set_input_files("[data-field=file_id] input[type=file]", str(contract))
    await uploaded(zhang, "file_id")
    await zhang.fill("[data-field=paid_fen] input", "64000")
    await pick(zhang, "paid_on")
    await zhang.click("[data-testid=submit]")
    await zhang.wait_for_selector("[data-testid=timeline]")
    assert "上传中介费凭证" in await zhang.inner_text("[data-testid=timeline]")
    await keep_screenshot(zhang, "workbench-staff-journey")
    assert not errors, errors
