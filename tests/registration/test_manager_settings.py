"""The technology managers' review limit and the city bureau of individual registrations are settings
(KEZHUAN_REGISTRATION__MANAGER_REVIEW_DAYS, KEZHUAN_REGISTRATION__INDIVIDUAL_REGION): an instance configured with
two working days and 上海市 (310100) gives both stages two days and sends an individual manager to the officials of
上海市, who see the record, while those of 北京市 no longer do; a region code that does not exist stops start-up."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from aiohttp import FormData
from aiohttp.test_utils import TestClient
from pydantic import ValidationError

from bot.bootstrap import registration_policy
from bot.settings import RegistrationSettings, Settings
from cards.actions import CardAction
from handlers.officials.create_official import CreateOfficial, create_official
from handlers.registration.manager_chains import manager_chains
from handlers.reviews.chains import register_chain
from sandbox.documents import make_pdf
from tests.api.conftest import World
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP
from tests.registration.conftest import register
from tests.registration.manager_values import id_number, valid_form
from tests.registration.test_manager_flow import Bench, bind, cards_to, press


@pytest.fixture
def settings(settings: Settings) -> Settings:
    configured = {"manager_review_days": 2, "individual_region": "310100"}
    return settings.model_copy(update={"registration": settings.registration.model_copy(update=configured)})


@pytest.fixture(autouse=True)
def default_chains() -> Iterator[None]:
    """The container registers the configured chains process-wide; the next test gets the defaults back."""
    yield
    for chain in manager_chains():
        register_chain(chain)


async def official(org: Org, name: str, mobile: str, region: str, userid: str) -> str:
    made = await create_official(
        CreateOfficial(org.admin_id, name, mobile, region), org.uow, org.regions, membership=MEMBERSHIP
    )
    await bind(org.container, made.account_id, userid)
    return await World(org).token(made.account_id)


async def test_configured_review_days_and_individual_region_take_effect(api: TestClient[Any, Any], org: Org) -> None:
    b = Bench(api, org)
    await b.setup()
    shanghai = await official(org, "上海审核员", "13744440004", "310100", "dt-shanghai")
    beijing = await official(org, "北京审核员", "13744440005", "110100", "dt-beijing")

    # Bound: 机构审核 within two working days of Monday 23 November (Tuesday 24, Wednesday 25).
    bound = (await register(api, org.container, "13700000051", "赵经理"))["token"]
    status, view = await b.call(
        "POST", "/technology-manager/registration", bound, json=valid_form(invitation_code=b.code)
    )
    assert status == 201 and view["stage"] == "机构审核" and view["due_on"] == "2026-11-25", view
    await press(org.container, "dt-inst", CardAction.REVIEW_APPROVE, (await cards_to(org.container, "dt-inst"))[-1])
    assert (await b.mine(bound))["due_on"] == "2026-11-25"  # 市级审核 the same day: two days again

    # Individual: to 上海市's officials, who see it; 北京市's no longer do.
    alone = (await register(api, org.container, "13700000052", "钱经理"))["token"]
    scans = []
    for n in (1, 2):
        data = FormData()
        data.add_field("file", make_pdf(f"scan {n}"), filename=f"扫描件{n}.pdf", content_type="application/pdf")
        status, stored = await b.call("POST", "/technology-manager/scans", alone, data=data)
        assert status == 201, stored
        scans.append(stored["id"])
    form = valid_form(
        name="钱经理",
        id_number=id_number("11010519800101002"),
        id_card_file_id=scans[0],
        title_certificate_file_id=scans[1],
    )
    status, individual = await b.call("POST", "/technology-manager/registration", alone, json=form)
    assert status == 201 and individual["stage"] == "市级审核" and individual["due_on"] == "2026-11-25", individual
    [card] = await cards_to(org.container, "dt-shanghai")
    assert card["stage_name"] == "市级审核" and await cards_to(org.container, "dt-beijing") == []
    status, seen = await b.call("GET", f"/technology-managers/{individual['id']}", shanghai)
    assert status == 200 and seen["name"] == "钱经理"
    status, _ = await b.call("GET", f"/technology-managers/{individual['id']}", beijing)
    assert status == 404
    await press(org.container, "dt-shanghai", CardAction.REVIEW_APPROVE, card)
    assert (await b.mine(alone))["status"] == "approved"


def test_the_individual_region_must_be_a_region(settings: Settings) -> None:
    with pytest.raises(ValidationError):
        RegistrationSettings.model_validate({"individual_region": "11010"})
    nowhere = settings.model_copy(
        update={"registration": settings.registration.model_copy(update={"individual_region": "119900"})}
    )
    with pytest.raises(ValueError, match="INDIVIDUAL_REGION"):
        registration_policy(nowhere)
