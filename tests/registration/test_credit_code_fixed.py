"""No route changes a certified credit code (issue 17): every write route of the API is called — by the
certified applicant and by the system admin — with a body naming another credit code and paths naming the
certification, and the certified code is still the one the platform approved."""

from __future__ import annotations

import json
import re
from typing import Any, cast

from aiohttp.test_utils import TestClient
from sqlalchemy import select

from bot.bootstrap import Container
from miniapp_api.app import OPENAPI
from store.models.registration import UnitCertification
from tests.api.conftest import World, bearer, credit_code
from tests.organisation.conftest import Org
from tests.registration.conftest import register, upload_licence

CODE = credit_code(31)
OTHER = credit_code(32)
# The routes whose body may carry a credit code: the certification itself, and those writing other records
# (an institution, an enterprise) that never touch a certification.
CARRY_A_CODE = {
    "POST /certification",
    "POST /institutions",
    "POST /institutions/{institution_id}/enterprises/manual",
    "PATCH /enterprises/{enterprise_id}",
}
# Ends the very session the calls use; it changes nothing else.
LAST = "POST /auth/logout"


def write_routes() -> list[tuple[str, str, dict[str, Any]]]:
    paths = cast(dict[str, dict[str, dict[str, Any]]], OPENAPI["paths"])
    return sorted(
        (method.upper(), path, op)
        for path, ops in paths.items()
        for method, op in ops.items()
        if method in ("post", "put", "patch", "delete")
    )


def test_the_routes_that_carry_a_credit_code_are_known() -> None:
    carrying = {f"{m} {p}" for m, p, op in write_routes() if "credit_code" in json.dumps(op.get("requestBody", {}))}
    assert carrying == CARRY_A_CODE


async def certified(api: TestClient[Any, Any], container: Container, org: Org) -> tuple[str, int]:
    token = (await register(api, container, "13700000021", "周法人"))["token"]
    licence = await upload_licence(api, token)
    body = {"name": "周氏技术转移有限公司", "credit_code": CODE, "legal_representative": "周法人"}
    response = await api.post("/api/v1/certification", json={**body, "licence_file_id": licence}, headers=bearer(token))
    assert response.status == 201, await response.text()
    view = await response.json()
    admin = await World(org).token(org.admin_id)
    decided = await api.post(
        f"/api/v1/reviews/{view['review_id']}/decision",
        json={"decision": "approve", "stage": 0},
        headers=bearer(admin),
    )
    assert decided.status == 200, await decided.text()
    return token, view["id"]


async def test_no_route_changes_a_certified_credit_code(
    api: TestClient[Any, Any], container: Container, org: Org
) -> None:
    token, cert_id = await certified(api, container, org)
    admin = await World(org).token(org.admin_id)
    body = {
        "credit_code": OTHER,
        "name": "改名技术转移有限公司",
        "full_name": "改名技术转移有限公司",
        "legal_representative": "周法人",
        "licence_file_id": 1,
    }
    called = 0
    for caller in (token, admin):
        for method, path, _op in sorted(write_routes(), key=lambda r: f"{r[0]} {r[1]}" == LAST):
            url = "/api/v1" + re.sub(r"{\w+}", str(cert_id), path)
            response = await api.request(method, url, json=body, headers=bearer(caller))
            assert response.status < 500 or response.status == 503, (method, path, await response.text())
            called += 1
    assert called == 2 * len(write_routes())
    async with container.sessionmaker() as session:
        row = await session.scalar(select(UnitCertification).where(UnitCertification.id == cert_id))
        assert row is not None
        assert (row.credit_code, row.certified_code, row.status) == (CODE, CODE, "certified")
        assert await session.scalar(select(UnitCertification.id).where(UnitCertification.credit_code == OTHER)) is None
