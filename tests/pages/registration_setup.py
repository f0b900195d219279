"""The setup the registration pages' tests share: a newcomer signs up on the page with phone and SMS code, the unit
is certified from the sandbox registry, and, where a test is about a later step, the certification and the first
institution registration are approved over the API. Plain functions, not fixtures: each test calls what it needs,
in its own order, and keeps on the page only what it is about."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path
from typing import Any

import aiohttp

from sandbox.documents import make_pdf
from tests.pages.browser import api_json, dingtalk_session, phone
from tests.registration.institution_fixtures import CODE as CODE  # the sandbox registry's unit, for the tests
from tests.registration.institution_fixtures import LEGAL as LEGAL
from tests.registration.institution_fixtures import NAME as NAME
from tests.registration.institution_fixtures import filled


async def registration_code(base: str, mobile: str) -> str:
    """The code on the newcomer's simulated phone: the sandbox gives a number its phone when the first SMS arrives."""
    async with aiohttp.ClientSession() as http:
        for _ in range(200):
            async with http.get(f"{base}/sandbox/api/people/tel-{mobile}/inbox") as response:
                if response.status == 200:
                    for item in (await response.json())["items"]:
                        if item["channel"] == "sms" and (found := re.search(r"验证码为(\d{6})", item["body"])):
                            return found.group(1)
            await asyncio.sleep(0.1)
    raise AssertionError(f"no SMS code reached {mobile}")


async def register_newcomer(page: Any, base: str, name: str, mobile: str) -> str:
    """新用户注册 in a plain browser (no DingTalk), up to the home that greets the newcomer; returns the session's
    token for the API."""
    await page.goto(f"{base}/m/workbench/")
    await page.click(".van-tab:has-text('新用户注册')")
    await page.fill("input[name=name]", name)
    await page.fill("input[name=mobile]", mobile)
    await page.click("text=获取验证码")
    await page.fill("input[name=code]", await registration_code(base, mobile))
    await page.click("button:has-text('注册并登录')")
    await page.wait_for_selector(".kz-hello")
    return str(await page.evaluate("KZ.token()"))


def licence_pdf(folder: Path) -> Path:
    licence = folder / "营业执照.pdf"
    licence.write_bytes(make_pdf("licence"))
    return licence


async def look_up_unit(page: Any) -> None:
    """On the 单位认证 form: the registry fills the form from the unit's full name."""
    await page.fill("[data-testid=lookup] input", NAME)
    await page.click("[data-testid=lookup] button:has-text('查询')")
    await page.wait_for_function(
        f"(document.querySelector('[data-field=credit_code] input') || {{}}).value === '{CODE}'"
    )


async def attach_licence(page: Any, licence: Path) -> None:
    """On the 单位认证 form: the licence chosen and its upload finished (the uploader's mask gone)."""
    await page.set_input_files("[data-field=licence_file_id] input[type=file]", str(licence))
    await page.wait_for_selector("[data-field=licence_file_id] .van-uploader__preview")
    await page.wait_for_function(
        "!document.querySelector('[data-field=licence_file_id] .van-uploader__preview .van-uploader__mask')"
    )


async def sign_in_reviewer(browser: Any, url: str, password: str) -> Any:
    """A demo reviewer's page at `url`, its initial password changed first where the page asks for it."""
    page = await phone(browser)
    await page.goto(url)
    first = page.locator("text=修改初始密码")
    await first.or_(page.locator(".van-nav-bar:has-text('待我审核')")).first.wait_for()
    if await first.count():  # the demo's accounts still have the password the operator set
        await page.fill("input[name=old_password]", "kezhuan2026")
        await page.fill("input[name=new_password]", password)
        await page.fill("input[name=again]", password)
        await page.click("button:has-text('确定')")
    return page


async def reviewer(base: str, userid: str, password: str) -> str:
    """A demo reviewer's session, its initial password changed as the page would make them do first."""
    token = await dingtalk_session(base, userid)
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{base}/api/v1/reviews/mine", headers={"Authorization": f"Bearer {token}"}) as me,
    ):
        due = me.status == 403
    if due:  # the demo's accounts with the password the operator set
        body = {"old_password": "kezhuan2026", "new_password": password}
        await api_json(base, "POST", "/api/v1/auth/password", token, body)
    return token


async def approve(base: str, token: str, review_id: int) -> None:
    await api_json(base, "POST", f"/api/v1/reviews/{review_id}/decision", token, {"decision": "approve", "stage": 0})


async def upload_licence(base: str, token: str) -> int:
    data = aiohttp.FormData()
    data.add_field("file", make_pdf("licence"), filename="营业执照.pdf", content_type="application/pdf")
    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{base}/api/v1/certification/licence", data=data, headers={"Authorization": f"Bearer {token}"}) as r,
    ):
        assert r.status == 201, await r.text()
        return int((await r.json())["id"])


async def certified_and_registered(base: str, token: str, mobile: str) -> Any:
    """Over the API (the pages for these steps have their own tests): the unit certified by the platform, then the
    institution's first registration (王海燕 its head) submitted and approved by 赵局长 of 杭州市科技局. Returns the
    registration as the API answered its submission (its id and review_id)."""
    licence = await upload_licence(base, token)
    cert = {"name": NAME, "credit_code": CODE, "legal_representative": LEGAL, "licence_file_id": licence}
    certification = await api_json(base, "POST", "/api/v1/certification", token, cert)
    await approve(base, await reviewer(base, "dt-sysadmin", "Platform2026!"), certification["review_id"])
    values = filled(introduction=f"专注新材料领域的技术转移服务。联系人：王海燕，电话{mobile}。")
    first = await api_json(base, "PUT", "/api/v1/institution-registration", token, {**values, "draft": False})
    await approve(base, await reviewer(base, "dt-zhao", "Official2026!"), first["review_id"])
    return first
