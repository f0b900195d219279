"""Uploaded files open for whoever sees the record they belong to, through the record's authorised route: a
demand's attachments, a follow-up's attachments, a project's contract. Everyone else reads them as missing (404),
without a session 401. The download keeps the original (Chinese) name and the detected type."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from urllib.parse import quote

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from handlers.auth.sessions import issue_session
from handlers.clock import ManualClock
from handlers.demands.get_demand import GetDemand, get_demand
from handlers.experts.add_expert import AddExpert, add_expert
from handlers.follow_ups.add_follow_up import AddDemandFollowUp, add_demand_follow_up
from handlers.officials.create_official import CreateOfficial, create_official
from miniapp_api.rest import ascii_filename
from sandbox.documents import make_pdf
from store.models.auth import SessionKind
from tests.api.openapi_check import problems, response_schema
from tests.api.project_world import docking_demand, registered_demand
from tests.demands.conftest import Bench, build_bench
from tests.demands.test_pool import contact_id, other_institution
from tests.organisation.conftest import Org
from tests.policies import MEMBERSHIP

NAME = "需求说明（第二版）.pdf"


async def token(bench: Bench, account_id: int) -> dict[str, str]:
    async with bench.org.uow as uow:
        issued = await issue_session(uow, bench.container.auth_policy, account_id, SessionKind.MICRO_APP)
        await uow.commit()
    return {"Authorization": f"Bearer {issued.token}"}


async def upload(api: TestClient[Any, Any], headers: dict[str, str], content: bytes, name: str = NAME) -> int:
    form = FormData()
    form.add_field("file", content, filename=name, content_type="application/octet-stream")
    response = await api.post("/api/v1/demand-attachments", data=form, headers=headers)
    assert response.status == 201, await response.text()
    return int((await response.json())["id"])


async def test_a_demand_attachment_opens_for_those_who_see_the_demand_only(api: TestClient[Any, Any], org: Org) -> None:
    bench = await build_bench(org)
    staff = await token(bench, bench.staff_id)
    content = make_pdf("需求说明")
    file_id = await upload(api, staff, content)
    body = {
        "enterprise_id": bench.enterprise_id,
        "title": "传感器封装",
        "tech_fields": ["0101"],
        "description": "需求描述",
        "region_code": "330106",
        "expected_result": "良率提升",
        "fee_ratio_bp": 800,
        "attachment_ids": [file_id],
    }
    created = await api.post("/api/v1/demands", json=body, headers=staff)
    assert created.status == 201, await created.text()
    demand_id = (await created.json())["demand_id"]

    detail = await (await api.get(f"/api/v1/demands/{demand_id}", headers=staff)).json()
    assert problems(response_schema("GET", "/demands/{demand_id}"), detail) == []
    [link] = detail["attachments"]
    assert (link["id"], link["name"], link["kind"], link["mime"], link["size"]) == (
        file_id,
        NAME,
        "pdf",
        "application/pdf",
        len(content),
    )
    assert link["url"] == f"/api/v1/demands/{demand_id}/files/{file_id}"

    # The owner, the institution's admin and the enterprise's contact get the bytes, named as uploaded.
    for account in (bench.staff_id, bench.admin_id, await contact_id(bench)):
        response = await api.get(link["url"], headers=await token(bench, account))
        assert response.status == 200
        assert await response.read() == content
        assert response.headers["Content-Type"] == "application/pdf"
        disposition = response.headers["Content-Disposition"]
        assert disposition.startswith("attachment; ")
        assert f"filename*=UTF-8''{quote(NAME, safe='')}" in disposition
        assert 'filename="file.pdf"' in disposition  # the stand-in for clients without RFC 5987
        assert response.headers["X-Content-Type-Options"] == "nosniff"
    inline = await api.get(link["url"] + "?inline=1", headers=staff)
    assert inline.headers["Content-Disposition"].startswith("inline; ")

    # Another institution's staff, an expert: missing. No session: 401.
    _, stranger = await other_institution(bench, 41, "330106")
    expert = await add_expert(
        AddExpert(bench.admin_id, bench.institution_id, "王专家", "13900000041", "教授", "浙江大学"), org.uow
    )
    for account in (stranger, expert.account_id):
        response = await api.get(link["url"], headers=await token(bench, account))
        assert response.status == 404
        assert (await response.json())["error"]["code"] == "file_not_found"
    assert (await api.get(link["url"])).status == 401

    # A file that is not this demand's, even one the caller uploaded, is not reached through it.
    other_file = await upload(api, staff, make_pdf("别的文件"), "别的.pdf")
    assert (await api.get(f"/api/v1/demands/{demand_id}/files/{other_file}", headers=staff)).status == 404


async def test_follow_up_attachments_and_the_project_contract_open_for_the_organisation(
    api: TestClient[Any, Any], org: Org
) -> None:
    bench = await build_bench(org)
    staff = await token(bench, bench.staff_id)
    demand = await docking_demand(org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    note_file = await upload(api, staff, make_pdf("拜访纪要"), "拜访纪要.pdf")
    when = bench.container.clock.now() - timedelta(hours=1)
    await add_demand_follow_up(
        AddDemandFollowUp(bench.staff_id, demand, "visit", when, "上门拜访", (note_file,)), org.uow
    )
    notes = await (await api.get(f"/api/v1/demands/{demand}/follow-ups", headers=staff)).json()
    assert problems(response_schema("GET", "/demands/{demand_id}/follow-ups"), notes) == []
    [note] = notes["items"]
    [link] = note["attachments"]
    assert link["name"] == "拜访纪要.pdf"
    assert (await api.get(link["url"], headers=await token(bench, bench.admin_id))).status == 200
    # The enterprise sees the demand, not the staff's working record.
    contact = await token(bench, await contact_id(bench))
    assert (await api.get(link["url"], headers=contact)).status == 404

    registered = await registered_demand(org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    project = await (await api.get(f"/api/v1/demands/{registered}/project", headers=staff)).json()
    assert problems(response_schema("GET", "/demands/{demand_id}/project"), project) == []
    contract = project["contract_file"]
    assert contract["name"] == "合同.pdf" and project["fee_proof_file"] is None
    response = await api.get(contract["url"], headers=await token(bench, bench.admin_id))
    assert response.status == 200 and response.headers["Content-Type"] == "application/pdf"
    assert (await api.get(contract["url"], headers=contact)).status == 404
    listed = await (await api.get("/api/v1/projects", headers=staff)).json()
    assert [p["contract_file"]["url"] for p in listed["items"]] == [contract["url"]]


async def test_the_detail_names_the_enterprise_staff_fields_and_region(org: Org) -> None:
    bench = await build_bench(org)
    submitted = await bench.submit()
    detail = await get_demand(GetDemand(bench.staff_id, submitted.demand_id), org.uow)
    assert (detail.enterprise_id, detail.enterprise_name) == (bench.enterprise_id, "杭州云栖智能传感科技有限公司")
    assert (detail.centre_name, detail.staff_name) == ("杭州西湖分中心", "张三")
    assert detail.institution_name is not None and detail.institution_name != ""
    assert [(f.code, f.name, f.path) for f in detail.tech_field_names] == [("0101", "软件", "电子信息 › 软件")]
    assert detail.region_name == "浙江省杭州市西湖区"
    assert [(c.name, c.position, c.phone) for c in detail.enterprise_contacts] == [("陈经理", "总经理", "13900000005")]
    # The admin of the demand's institution reads the contacts too; an official of the region reads the demand
    # and every name, not the enterprise's contacts.
    by_admin = await get_demand(GetDemand(bench.admin_id, submitted.demand_id), org.uow)
    assert [c.name for c in by_admin.enterprise_contacts] == ["陈经理"]
    official = await create_official(
        CreateOfficial(org.admin_id, "赵局长", "13722220001", "330106"), org.uow, org.regions, membership=MEMBERSHIP
    )
    by_official = await get_demand(GetDemand(official.account_id, submitted.demand_id), org.uow)
    assert by_official.enterprise_name == detail.enterprise_name and by_official.staff_name == "张三"
    assert by_official.enterprise_contacts == ()


def test_the_ascii_stand_in_keeps_what_is_ascii() -> None:
    assert [
        ascii_filename(n) for n in ("2026年技术合同v2.docx", "合同.pdf", "Ｒｅｐｏｒｔ（终稿）.xlsx", "扫描件")
    ] == ["2026v2.docx", "file.pdf", "Report().xlsx", "file"]


async def test_a_signed_link_opens_without_a_session_for_a_short_while_only(
    api: TestClient[Any, Any], org: Org, clock: ManualClock
) -> None:
    bench = await build_bench(org)
    staff = await token(bench, bench.staff_id)
    registered = await registered_demand(org, bench.admin_id, bench.staff_id, bench.enterprise_id)
    contract = (await (await api.get(f"/api/v1/demands/{registered}/project", headers=staff)).json())["contract_file"]
    asked = await api.post(contract["url"] + "/link", headers=staff)
    assert asked.status == 201
    link = await asked.json()
    assert link["url"].startswith("/api/v1/file-links/")
    opened = await api.get(link["url"])  # no bearer token: a phone's file viewer
    assert opened.status == 200 and opened.headers["Content-Type"] == "application/pdf"
    assert "filename*=UTF-8''%E5%90%88%E5%90%8C.pdf" in opened.headers["Content-Disposition"]  # 合同.pdf
    # Nobody gets a link to a file they may not open; a made-up token opens nothing.
    contact = await token(bench, await contact_id(bench))
    assert (await api.post(contract["url"] + "/link", headers=contact)).status == 404
    assert (await api.get(link["url"] + "x")).status == 404
    clock.advance(301)
    expired = await api.get(link["url"])
    assert expired.status == 404 and (await expired.json())["error"]["code"] == "file_link_expired"
