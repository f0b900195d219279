"""The form renderer (webapp/static/kz-form.js) in a real browser: a served declaration drawn as Vant fields —
conditions, a bounded multiple choice, a repeated group within its counts — the body it sends, drafts, and the API's
errors on the fields they name, in both shapes (the house error's one field, invalid_form's several, a group
item's by position); and the real API's invalid_form on the real publication form."""

from __future__ import annotations

import json
from typing import Any

from tests.pages.browser import api_json, browser, demo_site, dingtalk_session, phone  # noqa: F401  (fixtures)
from tests.pages.forms import PROBE, serve_forms


async def test_the_renderer_draws_a_served_form_sends_its_body_and_marks_the_apis_errors(
    browser: Any, demo_site: str
) -> None:
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    await serve_forms(page, {"demand": PROBE})
    sent: list[dict[str, Any]] = []
    answers = [
        (422, {"error": {"code": "missing_field", "message": "请填写上级单位", "field": "parent_name"}}),
        (
            422,
            {
                "error": {
                    "code": "invalid_form",
                    "message": "表单有2处需要修改",
                    "fields": [
                        {"field": "areas", "code": "too_many", "message": "服务领域最多选择1项"},
                        {"field": "nature", "code": "invalid_choice", "message": "机构性质有误"},
                        {"field": "members[0].phone", "code": "invalid_mobile", "message": "请输入正确的手机号码"},
                    ],
                }
            },
        ),
    ]

    async def probe(route: Any) -> None:
        sent.append(json.loads(route.request.post_data))
        status, body = answers.pop(0)
        await route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    await page.route("**/api/v1/probe/*", probe)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhang#/demands/new")
    form = page.locator("[data-form=demand]")
    await form.locator("[data-field=members]").wait_for()

    # A condition: 上级单位 only for 内设机构.
    assert await form.locator("[data-field=parent_name]").count() == 0
    await form.locator("[data-field=nature] .van-field").click()
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text="内设机构").click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()
    await form.locator("[data-field=parent_name] input").fill("浙江大学")
    assert "4/50" in await form.locator("[data-field=parent_name]").inner_text()

    # At most two areas: the third stays unchecked.
    for label in ("人工智能", "生物医药", "新材料"):
        await form.locator("[data-field=areas] .van-checkbox", has_text=label).click()
    assert await form.locator("[data-field=areas] .van-checkbox__icon--checked").count() == 2

    # The group starts at its minimum (one, not removable), grows to its maximum (no more 添加), and shrinks.
    members = form.locator("[data-field=members] .kz-group-item")
    assert await members.count() == 1 and await form.locator("[data-field=members] .kz-group-head button").count() == 0
    await form.locator("[data-field=members] .kz-group-add").click()
    assert await members.count() == 2 and await form.locator("[data-field=members] .kz-group-add").count() == 0
    await members.nth(0).locator("[data-field=name] input").fill("王工")
    await members.nth(1).locator("[data-field=name] input").fill("李工")
    await members.nth(1).locator("[data-field=phone] input").fill("13800000009")
    await members.nth(0).locator(".kz-group-head button").click()
    assert await members.count() == 1

    # 保存草稿: the body as declared (hidden fields left out), with draft; a one-field error lands on its field.
    await form.locator("[data-testid=draft]").click()
    error = form.locator("[data-field=parent_name] .van-field__error-message")
    await error.wait_for()
    assert await error.inner_text() == "请填写上级单位"
    assert sent[0] == {
        "nature": "inner",
        "parent_name": "浙江大学",
        "areas": ["ai", "bio"],
        "members": [{"name": "李工", "phone": "13800000009"}],
        "open": False,
        "draft": True,
    }

    # 提交: invalid_form marks every field it names, and the earlier error is gone.
    await form.locator("[data-testid=submit]").click()
    await form.locator("[data-field=areas] .van-field__error-message").wait_for()
    assert await form.locator("[data-field=areas] .van-field__error-message").inner_text() == "服务领域最多选择1项"
    assert await form.locator("[data-field=nature] .van-field__error-message").inner_text() == "机构性质有误"
    # A group item's field, named by position, under that item's own field.
    item_error = members.nth(0).locator("[data-field=phone] .van-field__error-message")
    assert await item_error.inner_text() == "请输入正确的手机号码"
    assert await members.nth(0).locator("[data-field=name] .van-field__error-message").count() == 0
    assert await form.locator("[data-field=parent_name] .van-field__error-message").count() == 0
    assert "draft" not in sent[1]
    assert not errors, errors


async def test_several_wrong_fields_from_the_api_show_each_under_its_own_field(browser: Any, demo_site: str) -> None:
    """The real publication form and API: 指定机构公开 with no institution and a ratio over 100 % is refused as
    invalid_form, and each message stands under the field it names; nothing is published."""
    token = await dingtalk_session(demo_site, "dt-li")
    docking = await api_json(demo_site, "GET", "/api/v1/demands?status=docking", token)
    demand_id = docking["items"][0]["demand_id"]
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    answers: list[dict[str, Any]] = []

    async def publication(route: Any) -> None:
        response = await route.fetch()  # the real API's answer, kept to compare with what the page shows
        answers.append(await response.json())
        await route.fulfill(response=response)

    await page.route(f"**/api/v1/demands/{demand_id}/publication", publication)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/demands/{demand_id}")
    await page.click("[data-action=publish]")
    form = page.locator("[data-form=publication]")
    await form.locator("[data-field=audience] .van-field").click()
    popup = page.locator(".van-popup--bottom:visible")
    await popup.locator(".van-picker-column__item", has_text="指定机构公开").click()
    await page.wait_for_timeout(400)
    await popup.locator(".van-picker__confirm").click()
    await form.locator("[data-field=institution_ids]").wait_for()
    await form.locator("[data-field=fee_ratio_bp] input").fill("120")
    await form.locator("[data-testid=submit]").click()

    fee_error = form.locator("[data-field=fee_ratio_bp] .van-field__error-message")
    await fee_error.wait_for()
    assert await fee_error.inner_text() == "中介服务费比例不能超过100%"
    targets_error = form.locator("[data-field=institution_ids] .van-field__error-message")
    assert await targets_error.inner_text() == "指定机构公开时请至少选择一家机构"
    assert await form.locator(".van-field__error-message").count() == 2
    assert [a["error"]["code"] for a in answers] == ["invalid_form"]
    assert [f["field"] for f in answers[0]["error"]["fields"]] == ["institution_ids", "fee_ratio_bp"]
    shown = await api_json(demo_site, "GET", f"/api/v1/demands/{demand_id}", token)
    assert shown["status"] == "docking"
    assert not errors, errors
