"""The project routes over HTTP: multipart upload, registration, fee proof, lists; bad input; other institutions."""

from __future__ import annotations

from typing import Any

from aiohttp import FormData
from aiohttp.test_utils import TestClient

from sandbox.documents import make_pdf
from tests.api.conftest import World, api, bearer  # noqa: F401
from tests.api.openapi_check import problems, response_schema
from tests.follow_ups.conftest import Docking
from tests.organisation.conftest import snapshot

BODY = {
    "name": "MEMS压力传感器封装工艺联合开发",
    "category": "development",
    "amount_fen": 30_000_000,
    "signed_on": "2025-09-28",
    "leader": "刘教授",
    "members": ["王工"],
    "undertaking_unit": "浙江大学",
    "entity_type": "university",
    "cooperation_mode": "commissioned",
}


def pdf_form(content: bytes) -> FormData:
    form = FormData()
    form.add_field("file", content, filename="合同.pdf", content_type="application/pdf")
    return form


async def upload(client: TestClient[Any, Any], token: str, content: bytes) -> Any:
    response = await client.post("/api/v1/project-files", data=pdf_form(content), headers=bearer(token))
    return response.status, await response.json()


async def call(client: TestClient[Any, Any], method: str, path: str, token: str, body: Any = None) -> Any:
    response = await client.request(method, "/api/v1" + path, json=body, headers=bearer(token))
    return response.status, await response.json()


async def test_register_and_flag_a_low_fee_over_http(api: TestClient[Any, Any], docking: Docking) -> None:  # noqa: F811
    world = World(docking.bench.org)
    staff, admin = await world.token(docking.bench.staff_id), await world.token(docking.bench.admin_id)
    status, stored = await upload(api, staff, make_pdf("contract"))
    assert (status, stored["kind"]) == (201, "pdf")
    demand = f"/demands/{docking.demand_id}"
    status, done = await call(api, "POST", f"{demand}/project", staff, {**BODY, "contract_file_id": stored["id"]})
    assert (status, done["points"], done["expected_fee_fen"]) == (201, 5, 2_400_000)
    assert problems(response_schema("POST", "/demands/{demand_id}/project", "201"), done) == []
    status, shown = await call(api, "GET", f"{demand}/project", admin)
    assert (status, shown["category_label"], shown["fee_flag"]) == (200, "技术开发", None)
    assert problems(response_schema("GET", "/demands/{demand_id}/project"), shown) == []
    _, proof = await upload(api, staff, make_pdf("proof"))
    status, recorded = await call(
        api,
        "POST",
        f"{demand}/project/fee-proof",
        staff,
        {"file_id": proof["id"], "paid_fen": 1_000_000, "paid_on": "2025-09-29"},
    )
    assert (status, recorded["fee_flag"]) == (201, "below_agreed")
    status, page = await call(api, "GET", "/projects?flagged=true", admin)
    assert (status, [p["demand_id"] for p in page["items"]]) == (200, [docking.demand_id])
    assert problems(response_schema("GET", "/projects"), page) == []
    # A mistyped amount is corrected with a reason: answered 200, and the flag goes with it.
    status, corrected = await call(
        api,
        "POST",
        f"{demand}/project/fee-proof",
        staff,
        {"file_id": proof["id"], "paid_fen": 2_400_000, "paid_on": "2025-09-29", "correction": "金额录入有误"},
    )
    assert (status, corrected["fee_flag"], corrected["corrected"]) == (200, None, True)
    assert problems(response_schema("POST", "/demands/{demand_id}/project/fee-proof", "200"), corrected) == []
    status, page = await call(api, "GET", "/projects?flagged=true", admin)
    assert (status, page["items"]) == (200, [])
    status, demand_page = await call(api, "GET", demand, staff)
    assert demand_page["status"] == "completed"


async def test_bad_project_input_is_refused_over_http_and_changes_nothing(
    api: TestClient[Any, Any], docking: Docking
) -> None:  # noqa: F811
    world = World(docking.bench.org)
    c, staff = docking.bench.container, await world.token(docking.bench.staff_id)
    _, stored = await upload(api, staff, make_pdf("contract"))
    good = {**BODY, "contract_file_id": stored["id"]}
    demand = f"/demands/{docking.demand_id}"
    cases = [
        (
            "POST",
            f"{demand}/project",
            {**good, "signed_on": "28/09/2025"},
            422,
            "invalid_date",
            "合同签订日期格式有误（YYYY-MM-DD）",
        ),
        (
            "POST",
            f"{demand}/project",
            {**good, "category": "礼品"},
            422,
            "invalid_category",
            "请选择正确的项目类别：技术开发、技术转让、技术许可、技术服务、技术咨询、其他",
        ),
        (
            "POST",
            f"{demand}/project",
            {**good, "amount_fen": 0},
            422,
            "invalid_amount",
            "项目金额应为大于0的金额（单位：分）",
        ),
        ("POST", f"{demand}/project", {**good, "members": "王工"}, 422, "invalid_field", "字段 members 应为姓名列表"),
        (
            "POST",
            f"{demand}/project/fee-proof",
            {"file_id": stored["id"], "paid_fen": 1, "paid_on": "2025-09-29"},
            404,
            "project_not_found",
            "该需求尚未登记对接成功项目",
        ),
        ("GET", "/projects?flagged=yes", None, 422, "invalid_query", "查询参数 flagged 应为 true 或 false"),
    ]
    for method, path, body, status, code, message in cases:
        before = await snapshot(c)
        assert await call(api, method, path, staff, body) == (status, {"error": {"code": code, "message": message}})
        assert await snapshot(c) == before
    before = await snapshot(c)
    status, error = await upload(api, staff, b"MZ\x90\x00" + b"\x00" * 200)  # an executable named 合同.pdf
    assert (status, error["error"]["code"]) == (415, "unsupported_file_type")
    assert await snapshot(c) == before


async def test_another_institutions_demand_answers_404(api: TestClient[Any, Any], docking: Docking) -> None:  # noqa: F811
    world = World(docking.bench.org)
    staff = await world.token(docking.bench.staff_id)
    _, stranger_id = await docking.bench.org.institution(
        "宁波大学技术转移中心", "12330200470003281U", mobile="13800000031"
    )
    stranger = await world.token(stranger_id)
    _, theirs = await upload(api, stranger, make_pdf("stranger"))
    demand = f"/demands/{docking.demand_id}"
    before = await snapshot(docking.bench.container)
    theirs_body = {**BODY, "contract_file_id": theirs["id"]}
    assert (await call(api, "POST", f"{demand}/project", stranger, theirs_body))[0] == 404
    assert (
        await call(
            api,
            "POST",
            f"{demand}/project/fee-proof",
            stranger,
            {"file_id": theirs["id"], "paid_fen": 1, "paid_on": "2025-09-29"},
        )
    )[0] == 404
    assert await snapshot(docking.bench.container) == before
    _, mine = await upload(api, staff, make_pdf("contract"))
    assert (await call(api, "POST", f"{demand}/project", staff, {**BODY, "contract_file_id": mine["id"]}))[0] == 201
    assert await call(api, "GET", f"{demand}/project", stranger) == (
        404,
        {"error": {"code": "not_found", "message": "未找到该需求"}},
    )
    status, page = await call(api, "GET", "/projects", stranger)
    assert (status, page["items"], page["total"]) == (200, [], 0)
