"""Inside DingTalk the expert-import template is handed to DingTalk's own viewer (dd.biz.util.openLink) as a
short-lived signed link that opens without the session's token — DingTalk's client may not open a saved blob."""

from __future__ import annotations

import io
from typing import Any

import aiohttp
from openpyxl import load_workbook

from tests.pages.browser import (  # noqa: F401  (fixtures)
    browser,
    demo_site,
    keep_screenshot,
    phone,
)


async def test_inside_dingtalk_the_template_opens_in_dingtalks_viewer_by_a_signed_link(
    browser: Any, demo_site: str
) -> None:
    page = await phone(browser)
    await page.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/expert-import")
    await page.wait_for_selector("[data-testid=template]")
    # DingTalk's client offers openLink; the sandbox's stand-in `dd` does not, so the test gives it one.
    await page.evaluate(
        "() => { window.opened = []; dd.biz = { util: { openLink: (o) => window.opened.push(o.url) } }; }"
    )
    await page.click("[data-testid=template]")
    await page.wait_for_function("window.opened.length === 1")
    url = await page.evaluate("window.opened[0]")
    assert url.startswith(f"{demo_site}/api/v1/file-links/")

    async with aiohttp.ClientSession() as http, http.get(url) as response:  # no Authorization: DingTalk's viewer
        assert response.status == 200
        sheet = load_workbook(io.BytesIO(await response.read())).worksheets[0]
    assert [c.value for c in sheet[1]][:2] == ["姓名*", "手机号*"]
    await keep_screenshot(page, "workbench-import-dingtalk-link")
