"""First registration of a technology-transfer institution end to end (seed 000 一.4): a registered account
certifies its unit (the platform approves on its card), fills the registration with its certified identity locked,
saves a draft, submits (a receipt number and due date), the city bureau of its region rejects on the DingTalk card
with a reason, the applicant edits and resubmits, the city approves and the registration number is issued."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from cards.actions import CardAction
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from store.models.audit import AuditEntry
from tests.api.conftest import bearer
from tests.organisation.conftest import Org
from tests.registration.conftest import register, sms_to, upload_licence
from tests.registration.institution_fixtures import CITY_USERID, CODE, LEGAL, NAME, city_official, filled, press
from tests.registration.test_certification import ADMIN_USERID, bind_admin, card_press, cards_to, router

APPLICANT = "13700000011"


async def mine(api: TestClient[Any, Any], token: str) -> Any:
    response = await api.get("/api/v1/institution-registration", headers=bearer(token))
    assert response.status == 200, await response.text()
    return await response.json()


async def put(api: TestClient[Any, Any], token: str, values: dict[str, Any], *, draft: bool) -> Any:
    return await api.put("/api/v1/institution-registration", json={**values, "draft": draft}, headers=bearer(token))


async def certify(api: TestClient[Any, Any], container: Container, token: str) -> None:
    licence = await upload_licence(api, token)
    body = {"name": NAME, "credit_code": CODE, "legal_representative": LEGAL, "licence_file_id": licence}
    response = await api.post("/api/v1/certification", json=body, headers=bearer(token))
    assert response.status == 201, await response.text()
    card = (await cards_to(container, ADMIN_USERID))[-1]
    data = card.payload["card_data"]
    await router(container).dispatch(
        card_press(CardAction.REVIEW_APPROVE, card.platform_key or "", "c1", review_id=data["review_id"], stage="0")
    )


async def test_register_certify_fill_submit_reject_resubmit_and_the_city_approves_with_a_number(
    api: TestClient[Any, Any], org: Org, container: Container, clock: ManualClock
) -> None:
    await bind_admin(container, org.admin_id)
    city = await city_official(org)
    # Officials of another city and of the district are not the reviewers: the stage reaches the city.
    await city_official(org, "330200", "13722229002", "dt-city-nb")
    await city_official(org, "330106", "13722229003", "dt-district")
    token = (await register(api, container, APPLICANT, "王海燕"))["token"]

    # Not certified yet: no identity, and nothing can be saved.
    before = await mine(api, token)
    assert {k: before[k] for k in ("identity", "registrations", "update_open", "managers")} == {
        "identity": None,
        "registrations": [],
        "update_open": False,
        "managers": [],
    }
    assert before["change"]["allowed"] is False and before["change"]["code"] == "change_not_registered"
    early = await put(api, token, filled(), draft=True)
    assert early.status == 403 and "单位认证" in (await early.json())["error"]["message"]

    await certify(api, container, token)
    page = await mine(api, token)
    assert page["identity"]["name"] == NAME and page["identity"]["credit_code"] == CODE
    assert page["identity"]["legal_entity"] == NAME and page["registrations"] == []

    # 保存: a half-filled draft is kept without the submission's checks.
    draft = await put(api, token, {"nature": "internal", "introduction": "草稿"}, draft=True)
    assert draft.status == 200, await draft.text()
    saved = await draft.json()
    assert saved["status"] == "draft" and saved["status_label"] == "未提交" and saved["receipt_number"] is None
    assert saved["values"]["introduction"] == "草稿" and saved["credit_code"] == CODE
    # …but not beyond what can be stored: four industries are too many even in a draft.
    many = await put(api, token, {"service_industries": ["materials", "equipment", "services", "other"]}, draft=True)
    assert many.status == 422 and (await many.json())["error"]["field"] == "service_industries"

    # 提交 checks everything: the internal department must name its department, among the rest.
    incomplete = await put(api, token, {"nature": "internal", "introduction": "草稿"}, draft=False)
    assert incomplete.status == 422
    fields = {e["field"] for e in (await incomplete.json())["error"]["fields"]}
    assert {"department", "category", "introduction", "plan", "cases"} <= fields

    # An internal department: registered under its parent's certified code with its department's name.
    values = filled(nature="internal", department="技术转移中心")
    submitted = await put(api, token, values, draft=False)
    assert submitted.status == 200, await submitted.text()
    view = await submitted.json()
    assert view["status"] == "pending" and view["name"] == f"{NAME}技术转移中心" and view["credit_code"] == CODE
    # Submitted Monday 23 November 2026 (the test clock): ten working days, Tuesday 24 November … Monday 7 December.
    assert view["receipt_number"] == f"20261123-{view['review_id']:06d}" and view["due_on"] == "2026-12-07"
    again = await put(api, token, values, draft=True)
    assert again.status == 409 and (await again.json())["error"]["code"] == "registration_pending"

    # The city bureau's card; no card to the other city or the district.
    assert await cards_to(container, "dt-city-nb") == [] and await cards_to(container, "dt-district") == []
    [card] = await cards_to(container, CITY_USERID)
    data = card.payload["card_data"]
    assert data["title"] == f"{NAME}技术转移中心" and data["chain_name"] == "技术转移机构登记"
    assert data["stage_name"] == "市级审核" and CODE in data["summary"] and "内设机构" in data["summary"]
    detail = await api.get(f"/api/v1/institution-registrations/{view['id']}", headers=bearer(token))
    assert detail.status == 200

    # 驳回 with a reason: the applicant sees it (【查看】) and is told by SMS.
    await router(container).dispatch(
        press(
            CardAction.REVIEW_REJECT,
            card.platform_key or "",
            "r1",
            CITY_USERID,
            review_id=data["review_id"],
            stage="0",
            reason="典型案例未体现机构作用",
        )
    )
    [rejected] = (await mine(api, token))["registrations"]
    assert rejected["status"] == "rejected" and rejected["reason"] == "典型案例未体现机构作用"
    assert rejected["editable"] is True and rejected["registration_number"] is None
    told = await sms_to(container, APPLICANT, "SMS_CERTIFICATION_DECIDED")
    assert told[-1]["status"] == "未通过审核" and "典型案例未体现机构作用" in told[-1]["reason"]

    # Edited and resubmitted: a new round and a new card.
    cases = [*values["cases"], {"title": "第三个案例", "content": "机构牵头完成成果评价与挂牌交易。"}]
    resubmitted = await put(api, token, {**values, "cases": cases}, draft=False)
    assert resubmitted.status == 200, await resubmitted.text()
    second = await resubmitted.json()
    assert second["status"] == "pending" and second["review_id"] != view["review_id"] and second["reason"] is None
    card2 = (await cards_to(container, CITY_USERID))[-1]
    data2 = card2.payload["card_data"]
    assert data2["review_id"] != data["review_id"]
    await router(container).dispatch(
        press(
            CardAction.REVIEW_APPROVE,
            card2.platform_key or "",
            "a1",
            CITY_USERID,
            review_id=data2["review_id"],
            stage="0",
        )
    )

    [approved] = (await mine(api, token))["registrations"]
    # The number: the reviewing city's region, the year, the counter's first value (the default format).
    assert approved["status"] == "approved" and approved["registration_number"] == "33010020260001"
    assert approved["editable"] is False and len(approved["values"]["cases"]) == 3
    assert "登记号33010020260001" in (await sms_to(container, APPLICANT, "SMS_CERTIFICATION_DECIDED"))[-1]["status"]
    locked = await put(api, token, values, draft=False)
    assert locked.status == 409 and (await locked.json())["error"]["code"] == "registered_this_year"

    # Every step is in the registration's audit chain.
    async with container.sessionmaker() as session:
        actions = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.aggregate_type == "institution_registration")
                .where(AuditEntry.aggregate_id == str(approved["id"]))
                .order_by(AuditEntry.seq)
            )
        )
    assert actions == ["saved", "submitted", "rejected", "submitted", "approved"]
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report
    assert city > 0


async def test_the_detail_is_read_by_the_applicant_the_reviewing_city_and_the_platform_only(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    await bind_admin(container, org.admin_id)
    await city_official(org)
    token = (await register(api, container, APPLICANT, "王海燕"))["token"]
    await certify(api, container, token)
    view = await (await put(api, token, filled(), draft=False)).json()
    path = f"/api/v1/institution-registrations/{view['id']}"
    other = (await register(api, container, "13700000099", "旁人"))["token"]
    assert (await api.get(path, headers=bearer(other))).status == 404
    assert (await api.get(path, headers=bearer(token))).status == 200
    # Registering with a number that has an account signs into it.
    city_token = (await register(api, container, "13722229001"))["token"]
    assert (await api.get(path, headers=bearer(city_token))).status == 200
    await city_official(org, "330200", "13722229002", "dt-city-nb")
    elsewhere = (await register(api, container, "13722229002"))["token"]
    assert (await api.get(path, headers=bearer(elsewhere))).status == 404
