"""年度更新 in a real browser at 375×667 on the sandbox demo (seed 000 一.5), its window configured as 11-01 to
12-31 (KEZHUAN_REGISTRATION__UPDATE_OPENS/CLOSES; the demo's day is 23 November): an institution registered and
approved this year (through the API, as the other pages' tests do) needs no update and the page tells it when the
update window is; its record dated back a year, the page offers 年度更新 prefilled from the approved record; the
institution changes the staff number and submits; 赵局长 of 杭州市科技局 approves from 待我审核; the list then shows
two rows, the update and the first registration, each with its own number."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from bot.settings import Settings
from store.db import create_engine, create_sessionmaker
from store.models.registration import InstitutionRegistration
from tests.pages.browser import api_json, browser, demo_site, keep_screenshot, phone  # noqa: F401
from tests.pages.registration_setup import NAME, certified_and_registered, register_newcomer, sign_in_reviewer

NEWCOMER = "13700000061"
FORM = "[data-form=institution_registration]"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    window = settings.registration.model_copy(update={"update_opens": "11-01", "update_closes": "12-31"})
    return settings.model_copy(update={"registration": window})


async def a_year_earlier(settings: Settings, registration_id: int) -> None:
    """The first registration as if approved last year (the demo's clock cannot go back)."""
    engine = create_engine(settings.database_url)
    try:
        async with create_sessionmaker(engine)() as session:
            reg = await session.scalar(
                select(InstitutionRegistration).where(InstitutionRegistration.id == registration_id)
            )
            assert reg is not None and reg.decided_at is not None
            reg.decided_at -= timedelta(days=365)
            await session.commit()
    finally:
        await engine.dispose()


async def test_the_annual_update_on_the_page_and_the_city_approves_it(
    browser: Any,  # noqa: F811
    demo_site: str,  # noqa: F811
    settings: Settings,
) -> None:
    base = demo_site
    page = await phone(browser)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    token = await register_newcomer(page, base, "王海燕", NEWCOMER)
    # Certified by the platform and registered by the city, through the API (their pages have their own tests).
    first = await certified_and_registered(base, token, NEWCOMER)

    # Registered this year: no update, but the page says when the update window is.
    await page.goto(f"{base}/m/workbench/#/institution-registration")
    await page.wait_for_selector("[data-testid=update-window]")
    assert "每年11-01至12-31" in await page.inner_text("[data-testid=update-window]")
    assert await page.locator(FORM).count() == 0
    first_number = await page.inner_text("[data-kind=first] [data-testid=number]")

    # Approved last year: in the window, 年度更新 is offered, prefilled from the approved record.
    await a_year_earlier(settings, first["id"])
    await page.reload()
    await page.wait_for_selector("[data-testid=update]")
    assert "每年11-01至12-31" in await page.inner_text("[data-testid=update]")
    assert await page.locator("[data-testid=update-window]").count() == 0
    await page.wait_for_selector(f"{FORM} [data-field=staff_total] input")
    assert await page.input_value(f"{FORM} [data-field=staff_total] input") == "20"
    assert await page.input_value(f"{FORM} [data-field=head_name] input") == "王海燕"
    await page.fill(f"{FORM} [data-field=staff_total] input", "26")
    await page.click(f"{FORM} [data-testid=submit]")
    await page.wait_for_selector("[data-kind=update] [data-testid=status] >> text=审核中")
    assert await page.locator(FORM).count() == 0

    # 赵局长 opens it from 待我审核 and approves.
    city = await sign_in_reviewer(browser, f"{base}/m/workbench/?dd_user=dt-zhao#/reviews", "Official2026!")
    city.on("pageerror", lambda e: errors.append(str(e)))
    await city.click(f".van-cell:has-text('{NAME}')")
    await city.wait_for_selector("[data-testid=approve]")
    await city.click("[data-testid=approve]")
    await city.wait_for_selector("[data-testid=status] >> text=审核通过")

    # Two rows, each with its own number; the first record as it was.
    await page.reload()
    await page.wait_for_selector("[data-kind=update] [data-testid=status] >> text=审核通过")
    # (the counter's year is the approval's: the update is this year's second number in 杭州市)
    assert first_number.split()[-1] == "33010020260001"
    assert (await page.inner_text("[data-kind=update] [data-testid=number]")).split()[-1] == "33010020260002"
    assert await page.inner_text("[data-kind=first] [data-testid=number]") == first_number
    await keep_screenshot(page, "workbench-institution-update")
    record = await api_json(base, "GET", f"/api/v1/institution-registrations/{first['id']}", token)
    assert record["values"]["staff_total"] == 20 and record["registration_number"] == first_number.split()[-1]
    assert not errors, errors
