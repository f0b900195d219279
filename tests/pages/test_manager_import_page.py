"""技术经理人 批量导入 in a real browser at 375×667 on the sandbox demo: 李强 (institution admin) opens 经理人审核,
批量导入, downloads the template (a signed link), fills one good and one bad row (a 初级 title), uploads it, reads
the report row by row and downloads the error file; the good row is in 经理人审核, already with the city."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import load_workbook

from tests.pages.browser import browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.registration.manager_values import id_number, manager_cells, valid_form

GOOD = valid_form(name="周导入", mobile="13700004441", id_number=id_number("11010519860101011"))
BAD = valid_form(name="吴初级", mobile="13700004442", id_number=id_number("11010519860101012"), title_level="junior")


async def test_the_institution_admin_imports_managers_from_the_template(
    browser: Any,  # noqa: F811
    demo_site: str,  # noqa: F811
    tmp_path: Path,
) -> None:
    errors: list[str] = []
    li = await phone(browser)
    li.on("pageerror", lambda e: errors.append(str(e)))
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/")
    await li.locator(".van-grid-item", has_text="经理人审核").click()
    await li.click("[data-testid=manager-import]")

    async with li.expect_download() as got:
        await li.click("[data-testid=template]")
    template = await got.value
    assert template.suggested_filename.endswith(".xlsx")
    assert "/api/v1/file-links/" in template.url  # a signed link, not a blob fetched with the session
    workbook = load_workbook(io.BytesIO(Path(await template.path()).read_bytes()))
    sheet = workbook.worksheets[0]
    headers = [str(c.value) for c in sheet[1]]
    assert headers[:3] == ["姓名*", "性别*", "政治面貌*"] and "职称级别*" in headers
    for form in (GOOD, BAD):
        cells = manager_cells(form)
        sheet.append([cells[h.rstrip("*")] or None for h in headers])
    filled = tmp_path / "技术经理人.xlsx"
    workbook.save(filled)

    await li.set_input_files("[data-testid=upload] input[type=file]", str(filled))
    await li.wait_for_selector("[data-testid=report]")
    assert "1 行" in await li.inner_text("[data-result=imported]")
    assert "1 行" in await li.inner_text("[data-result=failed]")
    problems = await li.inner_text("[data-testid=report-errors]")
    assert "第3行 · 职称级别" in problems and "技术经理人须具有中级及以上职称" in problems and "第2行" not in problems
    async with li.expect_download() as got:
        await li.click("[data-testid=error-file]")
    error_file = await got.value
    assert "/api/v1/file-links/" in error_file.url
    rows = list(
        load_workbook(io.BytesIO(Path(await error_file.path()).read_bytes())).worksheets[0].iter_rows(values_only=True)
    )
    assert len(rows) == 2 and rows[1][0] == "吴初级" and rows[0][-1] == "错误原因"
    await li.wait_for_selector(".van-toast", state="hidden")
    await keep_screenshot(li, "workbench-manager-import")

    await li.click("button:has-text('查看经理人审核')")
    imported = li.locator("[data-manager]", has_text="周导入")
    await imported.wait_for()
    assert "市级审核" in await imported.inner_text()
    assert "吴初级" not in await li.inner_text("#app")
    assert errors == []
