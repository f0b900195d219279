"""The institution's registration form carries its technology managers (seed 001 §一(三), seed 000 一.4): the page
shows them with their status, submitting waits for the institution's own manager reviews, and the registration
keeps them as submitted — what the city reviews."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import update

from bot.bootstrap import Container
from cards.actions import CardAction
from handlers.registration.upload_licence import UploadLicence, upload_licence
from sandbox.documents import make_pdf
from store.models.organisation import Institution
from tests.organisation.conftest import Org
from tests.registration.conftest import register
from tests.registration.institution_fixtures import CODE, certified_account, filled
from tests.registration.manager_values import valid_form
from tests.registration.test_manager_flow import Bench, cards_to, press


async def test_the_registration_shows_and_keeps_the_institutions_managers(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    # The institution's admin certifies the institution's own unit.
    async with container.uow() as uow:
        await uow.session.execute(update(Institution).where(Institution.id == b.institution).values(credit_code=CODE))
        await uow.commit()
    stored = await upload_licence(
        UploadLicence(b.inst_admin, "营业执照.pdf", make_pdf("l")), container.uow(), container.files
    )
    await certified_account(container, b.inst_admin, stored.id)
    page = (await b.call("GET", "/institution-registration", b.inst_token))[1]
    assert page["managers"] == []

    token = (await register(api, container, "13700000061", "赵经理"))["token"]
    status, manager = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(invitation_code=b.code)
    )
    assert status == 201, manager
    page = (await b.call("GET", "/institution-registration", b.inst_token))[1]
    assert page["managers"] == [
        {
            "id": manager["id"],
            "name": "赵经理",
            "title": "工程师（中级）",
            "status": "pending",
            "status_label": "审核中",
            "stage": "机构审核",
            "reopened": False,
        }
    ]

    # 完成全部信息填写及经理人审核后点击【提交】: not before the institution has reviewed its managers.
    status, early = await b.call("PUT", "/institution-registration", b.inst_token, json={**filled(), "draft": False})
    assert status == 409 and early["error"]["code"] == "managers_awaiting_review"
    assert "赵经理" in early["error"]["message"]
    status, draft = await b.call("PUT", "/institution-registration", b.inst_token, json={**filled(), "draft": True})
    assert status == 200 and draft["managers"] is None  # a draft keeps no snapshot

    [card] = await cards_to(container, "dt-inst")
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, card)
    status, submitted = await b.call(
        "PUT", "/institution-registration", b.inst_token, json={**filled(), "draft": False}
    )
    assert status == 200, submitted
    [kept] = submitted["managers"]
    assert (kept["name"], kept["status_label"], kept["stage"]) == ("赵经理", "审核中", "市级审核")
    status, read = await b.call("GET", f"/institution-registrations/{submitted['id']}", b.city_token)
    assert status == 200 and read["managers"] == submitted["managers"]
    [registration_card] = [c for c in await cards_to(container, "dt-city") if c["chain_name"] == "技术转移机构登记"]
    assert "技术经理人：1人（已登记0人）" in registration_card["summary"]
