"""The form renderer (webapp/static/kz-form.js) in a real browser: a served declaration drawn as Vant fields —
conditions, a bounded multiple choice, a repeated group within its counts — the body it sends, drafts, and the API's
errors on the fields they name, in both shapes (the house error's one field, invalid_form's several)."""

from __future__ import annotations

import json
from typing import Any

from tests.pages.browser import browser, demo_site, phone  # noqa: F401  (fixtures)
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
    assert await form.locator("[data-field=parent_name] .van-field__error-message").count() == 0
    assert "draft" not in sent[1]
    assert not errors, errors
