"""Bad input over HTTP gets a clear error — status, stable code, Chinese message — and changes nothing."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from aiohttp.test_utils import TestClient

from handlers.clock import ManualClock
from handlers.institutions.create_institution import ADMIN_IS_STAFF
from handlers.invitations.create_invitation_code import CreateInvitationCode, create_invitation_code
from store.models.auth import SessionKind
from tests.api.conftest import Institution, World, bearer, build_institution, build_world, credit_code
from tests.organisation.conftest import Org, snapshot


async def _refused(
    api: TestClient[Any, Any],
    org: Org,
    method: str,
    path: str,
    token: str | None,
    body: dict[str, Any],
    status: int,
    code: str,
    message: str,
) -> None:
    before = await snapshot(org.container)
    response = await api.request(method, "/api/v1" + path, json=body, headers=bearer(token))
    assert response.status == status, await response.text()
    assert await response.json() == {"error": {"code": code, "message": message}}
    assert await snapshot(org.container) == before


async def _setup(org: Org) -> tuple[World, Institution, dict[str, str]]:
    world = World(org)
    x = await build_institution(
        org, 1, region="330106", enterprise_name="杭州云栖智能传感科技有限公司", phone_prefix="1371111"
    )
    tokens = {"system": await world.token(org.admin_id), "admin": await world.token(x.admin)}
    for key, mobile in (("first", "13755550001"), ("second", "13755550002")):
        tokens[key] = await world.token(await world.account(key, mobile), SessionKind.MINI_PROGRAM)
    return world, x, tokens


def _institution(**changes: Any) -> dict[str, Any]:
    return {
        "name": "新机构",
        "credit_code": credit_code(7),
        "type": "university",
        "region_code": "330106",
        "admin_name": "王管理",
        "admin_mobile": "13755559999",
        **changes,
    }


async def test_organisation_forms_refuse_bad_input(api: TestClient[Any, Any], org: Org) -> None:
    _world, x, tokens = await _setup(org)
    system, admin = tokens["system"], tokens["admin"]
    bad_code = credit_code(7)[:-1] + ("0" if credit_code(7)[-1] != "0" else "1")
    await _refused(
        api,
        org,
        "POST",
        "/institutions",
        system,
        _institution(credit_code=bad_code),
        422,
        "invalid_credit_code",
        "请输入正确的统一社会信用代码",
    )
    await _refused(
        api,
        org,
        "POST",
        "/institutions",
        system,
        _institution(introduction="介" * 301),
        422,
        "introduction_too_long",
        "简介不能超过300个字",
    )
    await _refused(
        api,
        org,
        "PATCH",
        f"/institutions/{x.id}",
        admin,
        {"introduction": "介" * 301},
        422,
        "introduction_too_long",
        "简介不能超过300个字",
    )
    await _refused(
        api,
        org,
        "POST",
        f"/centres/{x.centre}/staff",
        admin,
        {"name": "王五", "mobile": "0571-88886666", "position": "技术经理"},
        422,
        "invalid_mobile",
        "请输入正确的手机号码",
    )
    await _refused(
        api,
        org,
        "POST",
        f"/institutions/{x.id}/experts",
        admin,
        {"name": "钱专家", "mobile": "057188886666"},
        422,
        "invalid_mobile",
        "请输入正确的手机号码",
    )
    # Phone clashes (seed 004 §一.3): a staff member's phone cannot become an institution admin's, nor back.
    await _refused(
        api,
        org,
        "POST",
        "/institutions",
        system,
        _institution(admin_mobile="13711110002"),
        409,
        "admin_is_staff",
        ADMIN_IS_STAFF,
    )
    await _refused(
        api,
        org,
        "POST",
        f"/centres/{x.centre}/staff",
        admin,
        {"name": "林", "mobile": "13711110001", "position": "技术经理"},
        409,
        "staff_is_admin",
        "技转人员的手机号码不能与法人机构管理员的手机号码相同",
    )
    await _refused(
        api,
        org,
        "POST",
        f"/centres/{x.centre}/staff",
        admin,
        {"name": "技转1", "mobile": "13711110002", "position": "技术经理"},
        409,
        "staff_exists",
        "该手机号码已是技转人员",
    )
    await _refused(
        api,
        org,
        "POST",
        f"/enterprises/{x.enterprise}/contacts",
        admin,
        {"name": "联系人1", "position": "总经理", "phone": "13711110005"},
        409,
        "contact_exists",
        "该联系电话的联系人已存在",
    )
    await _refused(
        api,
        org,
        "POST",
        f"/institutions/{x.id}/enterprises",
        admin,
        {"full_name": "杭州不存在科技有限公司"},
        404,
        "enterprise_not_registered",
        "未查询到该企业的工商信息，请核对企业全称，或手工录入企业信息",
    )
    await _refused(
        api, org, "GET", "/staff?page_size=101", admin, {}, 422, "invalid_page", "分页参数有误（每页最多100条）"
    )


async def test_invitation_codes_refuse_reuse_expiry_and_revocation(
    api: TestClient[Any, Any], org: Org, clock: ManualClock
) -> None:
    _world, x, tokens = await _setup(org)
    once = await create_invitation_code(
        CreateInvitationCode(x.admin, x.id, clock.now() + timedelta(days=1), 1), org.uow
    )
    used = await api.post("/api/v1/invitation-codes/redeem", json={"code": once.code}, headers=bearer(tokens["first"]))
    assert used.status == 200 and (await used.json())["first_time"] is True
    await _refused(
        api,
        org,
        "POST",
        "/invitation-codes/redeem",
        tokens["second"],
        {"code": once.code},
        409,
        "invitation_exhausted",
        "邀请码已达使用上限",
    )
    await _refused(
        api,
        org,
        "POST",
        "/invitation-codes/redeem",
        tokens["second"],
        {"code": "ABC"},
        422,
        "invalid_invitation_code",
        "邀请码无效",
    )
    created = await api.post(
        f"/api/v1/institutions/{x.id}/invitation-codes",
        headers=bearer(tokens["admin"]),
        json={"expires_at": (clock.now() + timedelta(hours=1)).isoformat(), "max_uses": 5},
    )
    assert created.status == 201
    code = await created.json()
    revoked = await api.post(
        f"/api/v1/invitation-codes/{code['invitation_code_id']}/revoke",
        headers=bearer(tokens["admin"]),
        json={"reason": "名额已满"},
    )
    assert revoked.status == 204
    await _refused(
        api,
        org,
        "POST",
        "/invitation-codes/redeem",
        tokens["second"],
        {"code": code["code"]},
        409,
        "invitation_revoked",
        "邀请码已被撤销：名额已满",
    )
    late = await create_invitation_code(
        CreateInvitationCode(x.admin, x.id, clock.now() + timedelta(hours=1), 5), org.uow
    )
    clock.advance(3601)
    await _refused(
        api,
        org,
        "POST",
        "/invitation-codes/redeem",
        tokens["second"],
        {"code": late.code},
        409,
        "invitation_expired",
        "邀请码已过期",
    )
    listed = await (
        await api.get(f"/api/v1/institutions/{x.id}/invitation-codes", headers=bearer(tokens["admin"]))
    ).json()
    assert [c["status"] for c in listed["items"]] == ["expired", "revoked", "exhausted"]
    await _refused(
        api,
        org,
        "POST",
        f"/institutions/{x.id}/invitation-codes",
        tokens["admin"],
        {"expires_at": (clock.now() - timedelta(hours=1)).isoformat(), "max_uses": 5},
        422,
        "invalid_expiry",
        "有效期须晚于当前时间",
    )


async def test_too_many_sms_codes(api: TestClient[Any, Any], org: Org) -> None:
    await _setup(org)
    first = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13711110001"})
    assert first.status == 202
    before = await snapshot(org.container)
    again = await api.post("/api/v1/auth/sms-codes", json={"mobile": "13711110001"})
    assert again.status == 429 and again.headers["Retry-After"] == "60"
    assert await again.json() == {
        "error": {"code": "sms_too_frequent", "message": "验证码发送过于频繁，请60秒后再试", "retry_after": 60}
    }
    assert await snapshot(org.container) == before
    await _refused(
        api,
        org,
        "POST",
        "/auth/sms-codes",
        None,
        {"mobile": "0571-88886666"},
        422,
        "invalid_mobile",
        "请输入正确的手机号码",
    )


BIG = 2**63  # one beyond BIGINT
_BOUNDARY = "b0undary"
_BAD_PART_HEADER = f"--{_BOUNDARY}\r\nContent-Disposition form-data name=file\r\n\r\nxx\r\n--{_BOUNDARY}--\r\n".encode()
_MULTIPART = {"Content-Type": f"multipart/form-data; boundary={_BOUNDARY}"}
_NOT_JSON = ("invalid_json", "请求内容不是有效的JSON")
_TOO_DEEP = ("invalid_json", "请求内容嵌套过深")
_BAD_TEXT = ("invalid_text", "请求内容含有无效字符")
_NOT_FOUND = ("not_found", "未找到相应的记录")

# (method, path with {ids}, role, body: JSON value, raw bytes or None, extra headers, status, code, message)
_CASES: list[tuple[str, str, str, Any, dict[str, str], int, str, str]] = [
    # JSON nested beyond Python's recursion limit, and just beyond the 32 levels a form may use.
    (
        "PATCH",
        "/institutions/{institution_id}",
        "institution_admin",
        b"[" * 100_000 + b"]" * 100_000,
        {},
        422,
        *_NOT_JSON,
    ),
    (
        "PATCH",
        "/institutions/{institution_id}",
        "institution_admin",
        {"introduction": "x", "a": [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]},
        {},
        422,
        *_TOO_DEEP,
    ),
    # NUL and a lone surrogate, in a value and in a key.
    ("PATCH", "/institutions/{institution_id}", "institution_admin", {"introduction": "介绍\x00"}, {}, 422, *_BAD_TEXT),
    (
        "PATCH",
        "/institutions/{institution_id}",
        "institution_admin",
        b'{"introduction": "\\ud800"}',
        {},
        422,
        *_BAD_TEXT,
    ),
    ("POST", "/centres/{centre_id}/staff", "institution_admin", {"name\x00": "王五"}, {}, 422, *_BAD_TEXT),
    # The same in a query string, whichever adapter reads it.
    ("GET", "/demands?status=%00", "staff", None, {}, 422, *_BAD_TEXT),
    ("GET", "/regions?q=%00", "staff", None, {}, 422, *_BAD_TEXT),
    # Numbers beyond the columns: path ids, pages, id filters, ids and amounts in bodies, a stage.
    ("GET", f"/experts/{BIG}", "institution_admin", None, {}, 404, *_NOT_FOUND),
    ("GET", f"/centres/{BIG}", "system_admin", None, {}, 404, *_NOT_FOUND),
    ("GET", "/centres/0", "system_admin", None, {}, 404, *_NOT_FOUND),
    ("GET", f"/staff?page={BIG}", "institution_admin", None, {}, 422, "invalid_page", "分页参数有误"),
    ("GET", "/staff?page=１", "institution_admin", None, {}, 422, "invalid_page", "分页参数有误"),
    (
        "GET",
        f"/staff?centre_id={BIG}",
        "institution_admin",
        None,
        {},
        422,
        "invalid_query",
        "查询参数 centre_id 应为数字",
    ),
    (
        "GET",
        f"/centres?institution_id={BIG}",
        "system_admin",
        None,
        {},
        422,
        "invalid_query",
        "查询参数 institution_id 应为数字",
    ),
    (
        "POST",
        "/demands/{demand_id}/docking-staff",
        "centre_admin",
        {"staff_member_id": BIG},
        {},
        422,
        "invalid_field",
        "字段 staff_member_id 的格式有误",
    ),
    (
        "POST",
        "/reviews/{review_id}/decision",
        "centre_admin",
        {"stage": 2**31, "decision": "approve"},
        {},
        422,
        "invalid_field",
        "字段 stage 的格式有误",
    ),
    (
        "POST",
        "/demands/{demand_id}/follow-ups",
        "staff",
        {"kind": "visit", "occurred_at": "2026-11-20T10:00:00+08:00", "content": "x", "attachment_ids": [BIG]},
        {},
        422,
        "invalid_field",
        "字段 attachment_ids 的格式有误",
    ),
    # Times: a year no conversion survives, and a follow-up before the platform's world.
    (
        "POST",
        "/expert-links/{link_id}/follow-ups",
        "staff",
        {"kind": "visit", "occurred_at": "0001-01-01T00:00:00+00:00", "content": "拜访"},
        {},
        422,
        "invalid_time",
        "字段 occurred_at 应为带时区的时间（ISO 8601）",
    ),
    (
        "POST",
        "/expert-links/{link_id}/follow-ups",
        "staff",
        {"kind": "visit", "occurred_at": "1999-12-31T23:59:00+08:00", "content": "拜访"},
        {},
        422,
        "invalid_time",
        "跟进时间不能早于2000年1月1日",
    ),
    # A malformed part header: refused as input — and the import's role check comes before the body is read.
    (
        "POST",
        "/institutions/{institution_id}/expert-imports",
        "institution_admin",
        _BAD_PART_HEADER,
        _MULTIPART,
        422,
        "invalid_multipart",
        "上传的内容格式有误",
    ),
    (
        "POST",
        "/institutions/{institution_id}/expert-imports",
        "expert",
        _BAD_PART_HEADER,
        _MULTIPART,
        403,
        "forbidden",
        "只有本机构的法人机构管理员可以进行此操作",
    ),
]


async def test_malformed_input_gets_a_stable_refusal_and_changes_nothing(api: TestClient[Any, Any], org: Org) -> None:
    world, _x, tokens = await build_world(org)
    for method, path, role, body, headers, status, code, message in _CASES:
        url = "/api/v1" + path.format(**{k: v for k, v in world.ids.items() if ":" not in k})
        before = await snapshot(org.container)
        for _twice in range(2):  # the same answer the second time: nothing was half-written by the first
            if isinstance(body, bytes):
                raw = {"Content-Type": "application/json", **headers, **bearer(tokens[role])}
                sent = await api.request(method, url, data=body, headers=raw)
            else:
                sent = await api.request(method, url, json=body, headers=bearer(tokens[role]))
            assert sent.status == status, (method, path, await sent.text())
            assert await sent.json() == {"error": {"code": code, "message": message}}, (method, path)
        assert await snapshot(org.container) == before, (method, path)
