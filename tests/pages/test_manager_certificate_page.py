"""The institution corrects a technology manager's certificate while it reviews the manager (seed 000 一.7(1):
审核时可对技术经理人的证书信息进行修改), in a real browser at 375×667 on the sandbox demo: a manager registered with
the demo institution's code (over the API: its page has its own test) waits at 机构审核; 李强 opens the record,
presses 修改证书信息, finds the served certificate form prefilled, corrects the number and the training and saves;
the record shows the corrected values, the rest as the manager filled it; once he approves, the city has the
record and the correction is no longer offered."""

from __future__ import annotations

from typing import Any

from handlers.registration.manager_id_number import check_character
from tests.pages.browser import api_json, browser, demo_site, keep_screenshot, phone  # noqa: F401  (fixtures)
from tests.pages.registration_setup import registration_code
from tests.pages.test_manager_pages import demo_code
from tests.registration.manager_values import valid_form

NEWCOMER = "13700000071"
ID_FIRST17 = "11010519860401003"
FORM = "[data-form=technology_manager_certificate]"


async def registered_manager(base: str) -> int:
    """A newcomer registered by SMS code who submits the form with the demo institution's invitation code."""
    await api_json(base, "POST", "/api/v1/auth/sms-codes", None, {"mobile": NEWCOMER, "purpose": "register"})
    code = await registration_code(base, NEWCOMER)
    session = await api_json(
        base, "POST", "/api/v1/auth/register", None, {"mobile": NEWCOMER, "code": code, "name": "周经理"}
    )
    form = valid_form(
        name="周经理",
        mobile=NEWCOMER,
        id_number=ID_FIRST17 + check_character(ID_FIRST17),
        invitation_code=await demo_code(base),
    )
    view = await api_json(base, "POST", "/api/v1/technology-manager/registration", session["token"], form)
    assert view["stage"] == "机构审核", view
    return int(view["id"])


async def test_the_institution_corrects_the_certificate_while_it_reviews(
    browser: Any,  # noqa: F811
    demo_site: str,  # noqa: F811
) -> None:
    manager = await registered_manager(demo_site)
    errors: list[str] = []
    li = await phone(browser)
    li.on("pageerror", lambda e: errors.append(str(e)))
    await li.goto(f"{demo_site}/m/workbench/?dd_user=dt-li#/technology-manager/{manager}")
    await li.wait_for_selector("[data-testid=status] >> text=机构审核")
    assert "JSJJ-2024-001" in await li.inner_text("[data-testid=record]")

    await li.click("[data-testid=correct-certificate]")
    await li.wait_for_selector(f"{FORM} [data-field=certificate_number] input")
    assert await li.input_value(f"{FORM} [data-field=certificate_number] input") == "JSJJ-2024-001"
    assert await li.input_value(f"{FORM} [data-field=certificate_issuer] input") == "北京技术市场协会"
    assert await li.locator(f"{FORM} [data-field=school]").count() == 0  # only the certificate is the institution's
    await li.fill(f"{FORM} [data-field=certificate_number] input", "JSJJ-2024-009")
    await li.fill(f"{FORM} [data-field=training] textarea", "2024年技术经理人培训")
    await keep_screenshot(li, "workbench-manager-certificate")
    await li.click(f"{FORM} [data-testid=submit]")
    await li.wait_for_selector(FORM, state="detached")

    record = await li.inner_text("[data-testid=record]")
    assert "JSJJ-2024-009" in record and "JSJJ-2024-001" not in record
    assert "2024年技术经理人培训" in record and "北京技术市场协会" in record and "北京理工大学" in record

    # Approved for the institution: the city has it and the certificate is no longer the institution's to correct.
    await li.click("[data-testid=approve]")
    await li.wait_for_selector("[data-testid=status] >> text=市级审核")
    assert await li.locator("[data-testid=correct-certificate]").count() == 0
    assert not errors, errors
