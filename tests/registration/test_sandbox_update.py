"""The annual update (年度更新) end to end through the sandbox DingTalk: the city official approves the first
registration on its card; next year, in the configured window, the institution submits the update prefilled from
the approved record, the official presses 通过 on the update's card (through our Stream runner connected to the
sandbox gateway) and a new number is issued, the first record kept beside it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.bootstrap import Container
from bot.dingtalk.stream import StreamRunner
from bot.settings import Settings
from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from store.models.auth import SessionKind
from tests.api.conftest import bearer
from tests.demands.test_sandbox_acceptance import button, drain_dingtalk, press
from tests.dingtalk.conftest import DingTalkWorld, world  # noqa: F401  (the sandbox DingTalk)
from tests.dingtalk.sandbox_flow import api, on_phone, stream  # noqa: F401  (fixtures)
from tests.organisation.conftest import Org
from tests.registration.institution_fixtures import CITY_USERID, certified_applicant, filled
from tests.registration.test_sandbox_journey import CITY_MOBILE, review_cards


@pytest.fixture
def settings(settings: Settings, world: DingTalkWorld) -> Settings:  # noqa: F811
    """The sandbox DingTalk, and the update window 1 March – 30 April (KEZHUAN_REGISTRATION__UPDATE_OPENS/CLOSES)."""
    window = settings.registration.model_copy(update={"update_opens": "03-01", "update_closes": "04-30"})
    return settings.model_copy(update={"dingtalk": world.settings(), "registration": window})


async def test_the_annual_update_is_approved_on_its_card_with_a_new_number_and_the_old_record_kept(
    org: Org,
    container: Container,
    world: DingTalkWorld,  # noqa: F811
    stream: StreamRunner,  # noqa: F811
    api: TestClient[Any, Any],  # noqa: F811
    clock: ManualClock,
) -> None:
    on_phone(world, "city", "杭州市科技局审核员", CITY_MOBILE, CITY_USERID, title="科技管理人员")
    applicant = await certified_applicant(org, container)
    headers: dict[str, str] = {}

    async def sign_in() -> None:
        async with container.uow() as uow:
            token = (await issue_session(uow, container.auth_policy, applicant, SessionKind.WEB)).token
            await uow.commit()
        headers.update(bearer(token))

    async def mine() -> Any:
        response = await api.get("/api/v1/institution-registration", headers=headers)
        assert response.status == 200, await response.text()
        return await response.json()

    await sign_in()
    response = await api.put("/api/v1/institution-registration", json={**filled(), "draft": False}, headers=headers)
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    [first_card] = review_cards(world)
    await press(api, world, button(first_card, "通过"))
    assert [r["registration_number"] for r in (await mine())["registrations"]] == ["33010020260001"]

    # Next year in the window: the update is offered, prefilled from the approved record.
    clock.set(datetime(2027, 3, 1, 2, tzinfo=UTC))
    await sign_in()  # last year's session has long expired
    page = await mine()
    assert page["update_open"] is True and page["registrations"][0]["values"]["staff_total"] == 20
    updated = {**page["registrations"][0]["values"], "staff_total": 26}
    response = await api.put("/api/v1/institution-registration", json={**updated, "draft": False}, headers=headers)
    assert response.status == 200, await response.text()
    await drain_dingtalk(container, clock)
    first, update_card = review_cards(world)
    assert first is first_card and update_card.title.startswith("技术转移机构登记：杭州西溪新材料有限公司")
    assert "年度更新（原登记号：33010020260001）" in update_card.body
    [update_row, record] = (await mine())["registrations"]
    assert (update_row["kind"], update_row["status"]) == ("update", "pending")

    # 通过 on the update's card: a new number; the first record kept as it was.
    answer = await press(api, world, button(update_card, "通过"))
    assert answer["card"]["cardParamMap"]["status"] == "已由杭州市科技局审核员通过"
    page = await mine()
    rows = [
        (r["kind"], r["status"], r["registration_number"], r["values"]["staff_total"]) for r in page["registrations"]
    ]
    assert rows == [("update", "approved", "33010020270001", 26), ("first", "approved", "33010020260001", 20)]
    assert page["update_open"] is False
