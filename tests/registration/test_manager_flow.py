"""Technology managers end to end (seed 000 一.7 and 二): a manager registers with the institution's invitation
code, the institution approves on its DingTalk card (after correcting the certificate), the city approves on
its card and the manager holds the role; the institution returns the record (驳回更新), the manager edits and
the resubmission lands in 经理人驳回更新; an individual goes straight to the city with both scans; deletion is
immediate before approval and the platform's decision after it."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from bot.dingtalk.listeners import register_all
from bot.dingtalk.router import CardActionRouter, CardPress
from cards.actions import CardAction
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.officials.create_official import CreateOfficial, create_official
from sandbox.documents import make_pdf
from store.models.audit import AuditEntry
from store.models.auth import DingTalkBinding
from store.models.organisation import AccountRole, Role
from store.models.outbox import OutboxMessage
from tests.api.conftest import World, bearer
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP, SUBJECTS
from tests.registration.conftest import register
from tests.registration.manager_values import id_number, valid_form

MANAGER = "13700000051"


async def bind(container: Container, account_id: int, userid: str) -> None:
    async with container.uow() as uow:
        uow.session.add(DingTalkBinding(account_id=account_id, userid=userid, created_at=uow.clock.now()))
        await uow.commit()


async def cards_to(container: Container, userid: str) -> list[dict[str, Any]]:
    async with container.sessionmaker() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.channel == "dingtalk.card", OutboxMessage.recipient == userid)
            .order_by(OutboxMessage.id)
        )
        return [{"key": r.platform_key or "", **r.payload["card_data"]} for r in rows]


async def press(container: Container, userid: str, action: str, card: dict[str, Any], **params: str) -> Any:
    async def names(_user_id: str) -> str:
        return "审核人"

    router = CardActionRouter(container.uow, names=names)
    register_all(router, review_subjects=SUBJECTS)
    data = {
        "outTrackId": card["key"],
        "userId": userid,
        "corpId": "ding1",
        "content": json.dumps(
            {
                "cardPrivateData": {
                    "actionIds": [action],
                    "params": {"review_id": str(card["review_id"]), "stage": str(card["stage"]), **params},
                }
            }
        ),
    }
    return await router.dispatch(CardPress.from_callback(f"m-{card['review_id']}-{action}", data))


class Bench:
    def __init__(self, api: TestClient[Any, Any], org: Org) -> None:
        self.api, self.org, self.container = api, org, org.container

    async def setup(self) -> None:
        world = World(self.org)
        self.institution, self.inst_admin = await self.org.institution()
        city = await create_official(
            CreateOfficial(self.org.admin_id, "钱处长", "13744440002", "330100"),
            self.org.uow,
            self.org.regions,
            membership=MEMBERSHIP,
        )
        await bind(self.container, self.inst_admin, "dt-inst")
        await bind(self.container, city.account_id, "dt-city")
        await bind(self.container, self.org.admin_id, "dt-platform")
        self.inst_token = await world.token(self.inst_admin)
        self.city_token = await world.token(city.account_id)
        self.platform_token = await world.token(self.org.admin_id)
        expires = (self.container.clock.now() + timedelta(days=7)).isoformat()
        made = await self.api.post(
            f"/api/v1/institutions/{self.institution}/invitation-codes",
            json={"expires_at": expires, "max_uses": 3},
            headers=bearer(self.inst_token),
        )
        assert made.status == 201, await made.text()
        self.code = (await made.json())["code"]

    async def call(self, method: str, path: str, token: str, **kwargs: Any) -> tuple[int, Any]:
        response = await self.api.request(method, "/api/v1" + path, headers=bearer(token), **kwargs)
        return response.status, await response.json()

    async def mine(self, token: str) -> Any:
        status, body = await self.call("GET", "/technology-manager/registration", token)
        assert status == 200, body
        return body["manager"]

    async def review_list(self, which: str) -> list[Any]:
        status, body = await self.call(
            "GET", f"/institutions/{self.institution}/technology-manager-registrations?list={which}", self.inst_token
        )
        assert status == 200, body
        return list(body["managers"])


async def test_a_bound_manager_institution_then_city_then_return_and_resubmit(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    token = (await register(api, container, MANAGER, "赵经理"))["token"]
    assert await b.mine(token) is None

    # 【保存】 holds an unfinished form; 【提交】 checks everything.
    status, saved = await b.call(
        "POST", "/technology-manager/registration", token, json={"name": "赵经理", "draft": True}
    )
    assert status == 200 and saved["status"] == "draft"
    status, wrong = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(invitation_code="ZZZZ9999")
    )
    assert status == 422 and wrong["error"]["code"] == "invalid_invitation_code"
    assert wrong["error"]["field"] == "invitation_code"
    status, view = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(invitation_code=b.code.lower())
    )
    assert status == 201, view
    assert view["status"] == "pending" and view["stage"] == "机构审核" and view["institution_id"] == b.institution
    assert view["receipt_number"] and view["due_on"]
    assert [m["id"] for m in await b.review_list("review")] == [view["id"]]

    # The institution corrects the certificate while it reviews; a rejection needs a reason.
    status, corrected = await b.call(
        "PATCH",
        f"/technology-managers/{view['id']}/certificate",
        b.inst_token,
        json={"certificate_number": "JSJJ-2024-009", "training": "2024年技术经理人培训"},
    )
    assert status == 200, corrected
    assert corrected["values"]["certificate_number"] == "JSJJ-2024-009"
    assert corrected["values"]["training"] == "2024年技术经理人培训"
    assert corrected["values"]["certificate_issuer"] == "北京技术市场协会"  # not sent: kept
    status, emptied = await b.call(
        "PATCH", f"/technology-managers/{view['id']}/certificate", b.inst_token, json={"training": ""}
    )
    assert status == 422 and emptied["error"]["field"] == "training"
    assert corrected["values"]["title_name"] == "工程师"
    [card] = await cards_to(container, "dt-inst")
    assert card["chain_name"] == "技术经理人登记" and card["stage_name"] == "机构审核"
    status, no_reason = await b.call(
        "POST", f"/reviews/{card['review_id']}/decision", b.inst_token, json={"stage": 0, "decision": "reject"}
    )
    assert status == 422 and no_reason["error"]["code"] == "reason_required"
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, card)
    assert (await b.mine(token))["stage"] == "市级审核"
    # The certificate can no longer be corrected once the city has it.
    status, late = await b.call(
        "PATCH", f"/technology-managers/{view['id']}/certificate", b.inst_token, json={"certificate_number": "X"}
    )
    assert status == 409 and late["error"]["code"] == "manager_not_at_institution"

    [city_card] = await cards_to(container, "dt-city")
    assert city_card["stage_name"] == "市级审核"
    await press(container, "dt-city", CardAction.REVIEW_APPROVE, city_card)
    approved = await b.mine(token)
    assert approved["status"] == "approved" and approved["approved_at"] is not None
    async with container.sessionmaker() as session:
        role = await session.scalar(
            select(AccountRole.institution_id).where(
                AccountRole.account_id == approved["account_id"], AccountRole.role == Role.TECHNOLOGY_MANAGER
            )
        )
    assert role == b.institution

    # A bound manager cannot edit without 驳回更新.
    status, refused = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(training="新培训")
    )
    assert status == 409 and refused["error"]["code"] == "manager_update_needs_return"
    status, returned = await b.call(
        "POST", f"/technology-managers/{view['id']}/return", b.inst_token, json={"reason": "请补充培训情况"}
    )
    assert status == 200 and returned["status"] == "returned" and returned["reopened"] is True
    # The ID number and the invitation code are never editable.
    status, locked = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(id_number=id_number("11010519900101001"))
    )
    assert status == 409 and locked["error"]["code"] == "id_number_locked" and locked["error"]["field"] == "id_number"
    status, locked = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(invitation_code="ABCD2345")
    )
    assert status == 409 and locked["error"]["code"] == "invitation_code_locked"
    # Sent without them (the page shows them read-only), the stored ones are kept.
    status, again = await b.call(
        "POST", "/technology-manager/registration", token, json=valid_form(training="新培训", id_number="")
    )
    assert status == 201, again
    assert (
        again["stage"] == "机构审核" and again["id_number"] == id_number() and again["institution_id"] == b.institution
    )
    assert [m["id"] for m in await b.review_list("updates")] == [view["id"]]
    assert await b.review_list("review") == []
    update_card = (await cards_to(container, "dt-inst"))[-1]
    assert "驳回更新后重新提交" in update_card["summary"]
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, update_card)
    await press(container, "dt-city", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-city"))[-1])
    final = await b.mine(token)
    assert final["status"] == "approved" and final["values"]["training"] == "新培训" and final["reopened"] is False
    assert [m["id"] for m in await b.review_list("review")] == [view["id"]]

    async with container.sessionmaker() as session:
        events = list(
            await session.scalars(
                select(AuditEntry.action)
                .where(AuditEntry.aggregate_type == "technology_manager", AuditEntry.aggregate_id == str(view["id"]))
                .order_by(AuditEntry.seq)
            )
        )
    assert events == [
        "saved",
        "submitted",
        "certificate_corrected",
        "approved",
        "returned_for_update",
        "resubmitted",
        "approved",
    ]
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report


async def test_deletion_before_approval_is_immediate_and_after_it_needs_the_platform(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    first = (await register(api, container, MANAGER, "赵经理"))["token"]
    status, view = await b.call(
        "POST", "/technology-manager/registration", first, json=valid_form(invitation_code=b.code)
    )
    assert status == 201, view
    # Only the institution's admins delete; the manager's own record reads as theirs, not the institution's.
    status, _ = await b.call("DELETE", f"/technology-managers/{view['id']}", first)
    assert status == 403  # their own record, but not theirs to delete
    status, done = await b.call("DELETE", f"/technology-managers/{view['id']}", b.inst_token)
    assert status == 200 and done == {"deleted": True, "deletion_pending": False}
    assert await b.mine(first) is None and await b.review_list("review") == []
    # Its card is closed: pressing it changes nothing.
    [card] = await cards_to(container, "dt-inst")
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, card)
    assert await b.mine(first) is None

    # The same person registers again and is approved; now deletion goes to the platform.
    status, view = await b.call(
        "POST", "/technology-manager/registration", first, json=valid_form(invitation_code=b.code)
    )
    assert status == 201, view
    await press(container, "dt-inst", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-inst"))[-1])
    await press(container, "dt-city", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-city"))[-1])
    status, pending = await b.call("DELETE", f"/technology-managers/{view['id']}", b.inst_token)
    assert status == 202 and pending == {"deleted": False, "deletion_pending": True}
    status, twice = await b.call("DELETE", f"/technology-managers/{view['id']}", b.inst_token)
    assert status == 409 and twice["error"]["code"] == "manager_deletion_pending"
    assert (await b.mine(first))["institution_id"] == b.institution  # bound until the platform approves
    status, frozen = await b.call("POST", "/technology-manager/registration", first, json=valid_form(id_number=""))
    assert status == 409 and frozen["error"]["code"] == "manager_deletion_pending"
    [platform_card] = await cards_to(container, "dt-platform")
    assert platform_card["chain_name"] == "技术经理人删除"
    await press(container, "dt-platform", CardAction.REVIEW_APPROVE, platform_card)
    unbound = await b.mine(first)
    assert unbound["status"] == "approved" and unbound["institution_id"] is None and unbound["bound"] is False
    async with container.sessionmaker() as session:
        roles = await session.scalars(
            select(AccountRole.id).where(
                AccountRole.account_id == unbound["account_id"], AccountRole.role == Role.TECHNOLOGY_MANAGER
            )
        )
        assert list(roles) == []
    assert await b.review_list("review") == []


async def test_an_individual_goes_straight_to_the_city_with_both_scans_and_edits_freely(
    api: TestClient[Any, Any], org: Org, container: Container
) -> None:
    b = Bench(api, org)
    await b.setup()
    beijing = await create_official(
        CreateOfficial(org.admin_id, "孙处长", "13744440003", "110100"), org.uow, org.regions, membership=MEMBERSHIP
    )
    await bind(container, beijing.account_id, "dt-beijing")
    token = (await register(api, container, MANAGER, "赵经理"))["token"]
    status, missing = await b.call("POST", "/technology-manager/registration", token, json=valid_form())
    assert status == 422 and {e["field"] for e in missing["error"]["fields"]} == {
        "id_card_file_id",
        "title_certificate_file_id",
    }
    scans = []
    for n in (1, 2):
        data = FormData()
        data.add_field("file", make_pdf(f"scan {n}"), filename=f"扫描件{n}.pdf", content_type="application/pdf")
        status, stored = await b.call("POST", "/technology-manager/scans", token, data=data)
        assert status == 201, stored
        scans.append(stored["id"])
    # Another person's upload cannot be borrowed.
    other = (await register(api, container, "13700000052", "钱经理"))["token"]
    status, borrowed = await b.call(
        "POST",
        "/technology-manager/registration",
        other,
        json=valid_form(
            id_number=id_number("11010519800101002"), id_card_file_id=scans[0], title_certificate_file_id=scans[1]
        ),
    )
    assert status == 404 and borrowed["error"]["code"] == "scan_not_found"
    form = valid_form(id_card_file_id=scans[0], title_certificate_file_id=scans[1])
    status, view = await b.call("POST", "/technology-manager/registration", token, json=form)
    assert status == 201 and view["stage"] == "市级审核" and view["bound"] is False
    assert await cards_to(container, "dt-inst") == []
    # One ID number is one manager.
    status, taken = await b.call(
        "POST",
        "/technology-manager/registration",
        other,
        json=valid_form(invitation_code=b.code),
    )
    assert status == 409 and taken["error"]["code"] == "id_number_registered"
    await press(container, "dt-beijing", CardAction.REVIEW_APPROVE, (await cards_to(container, "dt-beijing"))[-1])
    assert (await b.mine(token))["status"] == "approved"
    # Unbound: edit and resubmit without anyone's 驳回更新.
    status, again = await b.call(
        "POST", "/technology-manager/registration", token, json={**form, "promotion": "新宣传"}
    )
    assert status == 201 and again["status"] == "pending" and again["stage"] == "市级审核"
    # The institution has no say over a manager who is not theirs.
    status, _ = await b.call("POST", f"/technology-managers/{view['id']}/return", b.inst_token, json={})
    assert status == 404  # not theirs: reads as missing
    status, _ = await b.call("GET", f"/technology-managers/{view['id']}", b.inst_token)
    assert status == 404
