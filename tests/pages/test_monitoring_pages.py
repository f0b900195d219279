"""绩效监测 in a real browser at 375×667 on the sandbox demo: 赵局长 (the 杭州市 official) opens it from his home,
sees every monitor of his city with the API's figures, taps a figure for the rows behind it; 李强 (institution
admin) sees his institution but no 区域总览 tab."""

from __future__ import annotations

from typing import Any

from tests.charts.test_charts import font_or_skip
from tests.pages.browser import (  # noqa: F401  (fixtures)
    api_json,
    browser,
    demo_site,
    dingtalk_session,
    keep_screenshot,
    phone,
)

PERIOD = "from=2026-11-01&to=2026-11-30"  # the demo's month: the page never reads today's date here


async def _workbench(browser: Any, base: str, userid: str, errors: list[str]) -> Any:
    page = await phone(browser)
    page.on("pageerror", lambda e: errors.append(str(e)))
    await page.goto(f"{base}/m/workbench/?dd_user={userid}")
    await page.wait_for_selector("[data-count]")
    return page


async def _table(page: Any) -> dict[str, dict[str, str]]:
    """unit id → {measure: figure as shown}."""
    await page.wait_for_selector("[data-testid=monitor] tr[data-unit]")
    shown: dict[str, dict[str, str]] = await page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll('[data-testid=monitor] tr[data-unit]')].map(tr =>
             [tr.dataset.unit, Object.fromEntries([...tr.querySelectorAll('a[data-measure]')].map(a =>
               [a.dataset.measure, a.textContent.trim()]))]))"""
    )
    return shown


async def test_an_official_monitors_his_city_and_drills_into_a_figure(browser: Any, demo_site: str) -> None:
    font_or_skip()
    errors: list[str] = []
    zhao = await _workbench(browser, demo_site, "dt-zhao", errors)
    await zhao.locator(".van-grid-item", has_text="绩效监测").click()
    await zhao.wait_for_selector("[data-testid=monitor-tabs]")
    assert [t.strip() for t in await zhao.locator("[data-testid=monitor-tabs] .van-tab").all_inner_texts()] == [
        "技转机构",
        "地域",
        "技转人员",
        "区域总览",
    ]

    token = await dingtalk_session(demo_site, "dt-zhao")
    for view in ("institutions", "centres", "staff", "overview"):
        await zhao.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhao#/monitoring?view={view}&{PERIOD}")
        shown = await _table(zhao)
        api = await api_json(demo_site, "GET", f"/api/v1/monitoring/{view}?{PERIOD}", token)
        assert shown == {str(r["unit_id"]): {k: str(v) for k, v in r["figures"].items()} for r in api["rows"]}, view
        # The columns under the API's Chinese labels, in its order (the review figures in the overview too).
        heads = await zhao.locator("[data-testid=monitor] thead th").all_inner_texts()
        assert heads[: len(api["columns"]) + 1] == ["名称", *(c["label"] for c in api["columns"])], view
        # The demo's provincial indicators score every row; the page shows the API's scores and names the versions.
        scores = await zhao.evaluate(
            """() => Object.fromEntries([...document.querySelectorAll('[data-testid=monitor] tr[data-unit]')].map(tr =>
                 [tr.dataset.unit, Object.fromEntries([...tr.querySelectorAll('td[data-score]')].map(td =>
                   [td.dataset.score, td.textContent.trim()]))]))"""
        )
        assert scores == {str(r["unit_id"]): r["scores"] for r in api["rows"]}, view
        assert [i["name"] for i in api["indicators"]] == ["基础条件", "转化成效", "服务能力", "规范管理", "社会声誉"]
        assert "转化成效（第1版" in await zhao.inner_text("[data-testid=indicators]")
    # 杭州市's official: the city, then each of its districts (zeros included), never the province above it.
    assert list(shown)[0] == "330100" and len(shown) > 5 and all(code.startswith("3301") for code in shown)
    assert {"已审核数", "平均审核用时（小时）", "超期未审数"} <= set(heads)
    # The city's reviews decided: the reviews behind the figure (the demo's demand reviews in 钱塘区).
    await zhao.locator("[data-testid=monitor] tr[data-unit='330100'] a[data-measure=reviews_decided]").click()
    await zhao.wait_for_selector("[data-testid=rows-total]")
    await zhao.wait_for_function(
        "n => document.querySelector('[data-testid=rows-total]').textContent.includes('共 ' + n + ' 条')",
        arg=shown["330100"]["reviews_decided"],
    )
    assert int(shown["330100"]["reviews_decided"]) > 0
    assert "审核" in await zhao.locator("[data-testid=monitor-rows] .van-cell").first.inner_text()
    # Behind the average turnaround: the same reviews, each with its hours.
    await zhao.go_back()
    await zhao.locator("[data-testid=monitor] tr[data-unit='330100'] a[data-measure=review_hours]").click()
    await zhao.wait_for_function(
        "n => document.querySelector('[data-testid=rows-total]').textContent.includes('共 ' + n + ' 条')",
        arg=shown["330100"]["reviews_decided"],
    )
    assert "小时" in await zhao.locator("[data-testid=monitor-rows] .van-cell").first.inner_text()

    # The ranking chart above the table, drawn by the server: its SVG has loaded into the page.
    await zhao.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhao#/monitoring?view=institutions&{PERIOD}")
    await _table(zhao)
    await zhao.wait_for_function(
        "() => { const i = document.querySelector('[data-testid=chart] img');"
        " return i && i.complete && i.naturalWidth > 300; }"
    )
    drawn = await zhao.get_attribute("[data-testid=chart] img", "src")
    await zhao.locator("[data-testid=chart] .van-tab", has_text="综合得分").click()
    await zhao.wait_for_function(
        "old => { const i = document.querySelector('[data-testid=chart] img');"
        " return i.src !== old && i.complete && i.naturalWidth > 300; }",
        arg=drawn,
    )
    await keep_screenshot(zhao, "workbench-monitoring")

    # The points of the first institution: the rows behind the figure, as many as the API counts.
    await zhao.goto(f"{demo_site}/m/workbench/?dd_user=dt-zhao#/monitoring?view=institutions&{PERIOD}")
    await _table(zhao)
    first = zhao.locator("[data-testid=monitor] tr[data-unit]").first
    unit = await first.get_attribute("data-unit")
    await first.locator("a[data-measure=points]").click()
    await zhao.wait_for_selector("[data-testid=rows-total]")
    rows = await api_json(demo_site, "GET", f"/api/v1/monitoring/institutions/{unit}/points?{PERIOD}", token)
    await zhao.wait_for_function(
        "n => document.querySelector('[data-testid=rows-total]').textContent.includes('共 ' + n + ' 条')",
        arg=rows["total"],
    )
    assert rows["total"] > 0  # the demo earned points this month: the list is not trivially empty
    assert await zhao.locator("[data-testid=monitor-rows] .van-cell").count() == min(rows["total"], 20)
    assert errors == []


async def test_an_institution_admin_sees_his_institution_without_the_overview(browser: Any, demo_site: str) -> None:
    errors: list[str] = []
    li = await _workbench(browser, demo_site, "dt-li", errors)
    await li.locator(".van-grid-item", has_text="绩效监测").click()
    await li.wait_for_selector("[data-testid=monitor-tabs]")
    assert "区域总览" not in await li.inner_text("[data-testid=monitor-tabs]")
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/monitoring?view=institutions&{PERIOD}")
    shown = await _table(li)
    token = await dingtalk_session(demo_site, "dt-li")
    me = await api_json(demo_site, "GET", "/api/v1/me", token)
    mine = {str(g["institution_id"]) for g in me["roles"] if g["role"] == "institution_admin"}
    assert set(shown) == mine
    assert errors == []
