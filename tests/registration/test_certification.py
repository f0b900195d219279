"""Unit certification end to end (seed 000 一.3): a registered organisation account prefills from the business
registry, uploads its licence and submits; the platform's system admin decides on the DingTalk review card; the
applicant is told by SMS; the credit code is fixed from then on and a new legal representative means certifying
again (the certified identity stays until the platform approves)."""

from __future__ import annotations

import json
from typing import Any

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container, build_container
from bot.dingtalk.listeners import register_all
from bot.dingtalk.router import CardActionRouter, CardPress
from bot.settings import Settings
from cards.actions import CardAction
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.clock import ManualClock
from handlers.registration.chains import certification_review
from handlers.reviews.chains import register_chain
from store.models.auth import DingTalkBinding
from store.models.outbox import OutboxMessage
from tests.api.conftest import World, bearer, credit_code
from tests.organisation.conftest import Org
from tests.policies import SUBJECTS
from tests.registration.conftest import register, sms_to, upload_licence

# A company of the sandbox registry (sandbox/registry.py).
NAME, CODE, LEGAL = "杭州西溪新材料有限公司", "91330106MAXG0TEQ2A", "王海燕"
APPLICANT = "13700000011"
ADMIN_USERID = "dt-platform"


async def bind_admin(container: Container, account_id: int) -> None:
    async with container.uow() as uow:
        uow.session.add(DingTalkBinding(account_id=account_id, userid=ADMIN_USERID, created_at=uow.clock.now()))
        await uow.commit()


async def cards_to(container: Container, userid: str) -> list[OutboxMessage]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "dingtalk.card", OutboxMessage.recipient == userid)
            .order_by(OutboxMessage.id)
        )
        return list(rows)


def card_press(action: str, out_track_id: str, message_id: str, **params: str) -> CardPress:
    data = {
        "outTrackId": out_track_id,
        "userId": ADMIN_USERID,
        "corpId": "ding1",
        "content": json.dumps({"cardPrivateData": {"actionIds": [action], "params": params}}),
    }
    return CardPress.from_callback(message_id, data)


def router(container: Container) -> CardActionRouter:
    async def names(user_id: str) -> str:
        return "平台管理员"

    built = CardActionRouter(container.uow, names=names)
    register_all(built, review_subjects=SUBJECTS)
    return built


async def submit(api: TestClient[Any, Any], token: str, **values: Any) -> Any:
    return await api.post("/api/v1/certification", json=values, headers=bearer(token))


async def mine(api: TestClient[Any, Any], token: str) -> Any:
    response = await api.get("/api/v1/certification", headers=bearer(token))
    assert response.status == 200, await response.text()
    return (await response.json())["certification"]


async def test_certify_on_the_card_then_the_code_is_fixed_and_a_new_legal_representative_certifies_again(
    api: TestClient[Any, Any], org: Org, container: Container, clock: ManualClock
) -> None:
    await bind_admin(container, org.admin_id)
    token = (await register(api, container, APPLICANT, "王海燕"))["token"]
    assert await mine(api, token) is None

    # The registry prefills what it knows from the full name.
    found = await api.get("/api/v1/certification/registry", params={"name": NAME}, headers=bearer(token))
    assert found.status == 200, await found.text()
    prefill = await found.json()
    assert (prefill["credit_code"], prefill["legal_representative"], prefill["provider"]) == (CODE, LEGAL, "sandbox")
    unknown = await api.get("/api/v1/certification/registry", params={"name": "不存在的公司"}, headers=bearer(token))
    assert unknown.status == 404

    licence = await upload_licence(api, token)
    response = await submit(
        api, token, name=NAME, credit_code=CODE.lower(), legal_representative=LEGAL, licence_file_id=licence
    )
    assert response.status == 201, await response.text()
    view = await response.json()
    assert view["status"] == "pending" and view["credit_code"] == CODE  # normalised
    assert view["registry_check"] == "confirmed" and view["certified"] is None
    # Submitted Monday 23 November 2026 (the test clock): five working days, Tuesday 24 … Monday 30 November.
    assert view["receipt_number"] == f"20261123-{view['review_id']:06d}" and view["due_on"] == "2026-11-30"
    again = await submit(api, token, name=NAME, credit_code=CODE, legal_representative=LEGAL, licence_file_id=licence)
    assert again.status == 409 and (await again.json())["error"]["code"] == "certification_pending"

    # The platform's card: summary with the registry's confirmation, 通过 / 驳回 / 退回修改.
    [card] = await cards_to(container, ADMIN_USERID)
    data = card.payload["card_data"]
    assert data["title"] == NAME and data["chain_name"] == "单位认证" and data["stage_name"] == "平台审核"
    assert CODE in data["summary"] and "与工商登记一致" in data["summary"]
    reply = await router(container).dispatch(
        card_press(CardAction.REVIEW_APPROVE, card.platform_key or "", "m1", review_id=data["review_id"], stage="0")
    )
    assert reply["cardData"]["cardParamMap"]["open"] == "false"
    certified = await mine(api, token)
    assert certified["status"] == "certified" and certified["credit_code_locked"] is True
    assert certified["certified"]["credit_code"] == CODE and certified["certified"]["legal_representative"] == LEGAL
    [told] = await sms_to(container, APPLICANT, "SMS_CERTIFICATION_DECIDED")
    assert told == {"name": NAME, "status": "已通过审核", "reason": ""}

    # The credit code can no longer change; the same details again change nothing.
    other = credit_code(4242)
    moved = await submit(api, token, name=NAME, credit_code=other, legal_representative=LEGAL, licence_file_id=licence)
    assert moved.status == 409 and (await moved.json())["error"]["code"] == "credit_code_locked"
    same = await submit(api, token, name=NAME, credit_code=CODE, legal_representative=LEGAL, licence_file_id=licence)
    assert same.status == 409 and (await same.json())["error"]["code"] == "certification_unchanged"

    # A new legal representative is a re-certification: pending, the certified identity kept meanwhile.
    recert = await submit(api, token, name=NAME, credit_code=CODE, legal_representative="王海", licence_file_id=licence)
    assert recert.status == 201, await recert.text()
    pending = await recert.json()
    assert pending["status"] == "pending" and pending["registry_check"] == "differs"
    assert pending["certified"]["legal_representative"] == LEGAL
    card2 = (await cards_to(container, ADMIN_USERID))[-1]
    data2 = card2.payload["card_data"]
    assert "重新认证" in data2["summary"] and "与工商登记不一致" in data2["summary"]
    # 驳回 needs a reason; with one, the applicant sees it and keeps the certified identity.
    no_reason = await router(container).dispatch(
        card_press(CardAction.REVIEW_REJECT, card2.platform_key or "", "m2", review_id=data2["review_id"], stage="0")
    )
    assert no_reason["userPrivateData"]["cardParamMap"]["tip"] == "驳回或退回修改时请填写原因"
    await router(container).dispatch(
        card_press(
            CardAction.REVIEW_REJECT,
            card2.platform_key or "",
            "m3",
            review_id=data2["review_id"],
            stage="0",
            reason="法定代表人与工商登记不一致",
        )
    )
    rejected = await mine(api, token)
    assert rejected["status"] == "rejected" and rejected["reason"] == "法定代表人与工商登记不一致"
    assert rejected["certified"]["legal_representative"] == LEGAL and rejected["credit_code"] == CODE
    notices = await sms_to(container, APPLICANT, "SMS_CERTIFICATION_DECIDED")
    assert notices[-1] == {"name": NAME, "status": "未通过审核", "reason": "，原因：法定代表人与工商登记不一致"}

    # The reviewer's detail page and the licence scan; nobody else's.
    detail = await api.get(f"/api/v1/certifications/{rejected['id']}", headers=bearer(token))
    assert detail.status == 200
    admin_token = await World(org).token(org.admin_id)
    scan = await api.get(f"/api/v1/certifications/{rejected['id']}/licence", headers=bearer(admin_token))
    assert scan.status == 200 and scan.content_type == "application/pdf"
    assert (await scan.read()).startswith(b"%PDF")
    stranger = (await register(api, container, "13700000012", "路人"))["token"]
    hidden = await api.get(f"/api/v1/certifications/{rejected['id']}", headers=bearer(stranger))
    assert hidden.status == 404
    hidden_scan = await api.get(f"/api/v1/certifications/{rejected['id']}/licence", headers=bearer(stranger))
    assert hidden_scan.status == 404

    # Another account cannot certify the same code.
    licence2 = await upload_licence(api, stranger, 2)
    taken = await submit(
        api, stranger, name=NAME, credit_code=CODE, legal_representative=LEGAL, licence_file_id=licence2
    )
    assert taken.status == 409 and (await taken.json())["error"]["code"] == "credit_code_certified"

    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report


async def test_the_form_refuses_bad_codes_borrowed_licences_and_registry_mismatches(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    token = (await register(api, container, APPLICANT))["token"]
    licence = await upload_licence(api, token)
    base = {"name": "某某技术转移有限公司", "legal_representative": "李四", "licence_file_id": licence}
    for code, error in (
        ("91330106MAXG0TEQ2", "credit_code_length"),
        ("91330106MAXG0TEQ2I", "credit_code_character"),
        ("91330106MAXG0TEQ2B", "credit_code_check"),
        ("", "missing_field"),
    ):
        refused = await submit(api, token, **base, credit_code=code)
        assert refused.status == 422, code
        body = (await refused.json())["error"]
        assert (body["code"], body["field"]) == (error, "credit_code"), body
    missing_licence = await submit(api, token, **{**base, "licence_file_id": None}, credit_code=credit_code(7))
    assert missing_licence.status in (404, 422), await missing_licence.text()
    assert (await missing_licence.json())["error"]["field"] == "licence_file_id"

    # Another account's upload cannot be borrowed.
    other = (await register(api, container, "13700000013"))["token"]
    theirs = await upload_licence(api, other, 3)
    borrowed = await submit(api, token, **{**base, "licence_file_id": theirs}, credit_code=credit_code(7))
    assert borrowed.status == 404 and (await borrowed.json())["error"]["code"] == "licence_not_found"

    # The registry knows this name under another code: the applicant must check.
    mismatch = await submit(api, token, **{**base, "name": NAME}, credit_code=credit_code(7))
    assert mismatch.status == 409 and (await mismatch.json())["error"]["code"] == "credit_code_mismatch"

    # Unknown to the registry: submitted, and the reviewer is told.
    ok = await submit(api, token, **base, credit_code=credit_code(7))
    assert ok.status == 201, await ok.text()
    assert (await ok.json())["registry_check"] == "not_found"


async def test_the_platform_review_limit_is_a_setting(
    api: TestClient[Any, Any], org: Org, container: Container, clock: ManualClock, settings: Settings
) -> None:
    # KEZHUAN_REGISTRATION__CERTIFICATION_REVIEW_DAYS=2: an instance built with it counts two working days.
    two = settings.model_copy(
        update={"registration": settings.registration.model_copy(update={"certification_review_days": 2})}
    )
    other = await build_container(two, clock=clock)
    try:
        token = (await register(api, container, APPLICANT))["token"]
        licence = await upload_licence(api, token)
        response = await submit(
            api,
            token,
            name="某某技术转移有限公司",
            credit_code=credit_code(8),
            legal_representative="李四",
            licence_file_id=licence,
        )
        assert response.status == 201, await response.text()
        assert (await response.json())["due_on"] == "2026-11-25"  # Tuesday 24 and Wednesday 25 November
    finally:
        await other.aclose()
        register_chain(certification_review(settings.registration.certification_review_days))
