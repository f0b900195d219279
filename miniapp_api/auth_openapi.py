"""The sign-in paths of the OpenAPI document (merged into miniapp_api.app.OPENAPI)."""

from __future__ import annotations

from typing import Any

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _obj(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


_S = {"type": "string"}
_KIND = {"type": "string", "enum": ["micro_app", "mini_program", "web"], "default": "web"}
_SESSION = _json({"$ref": "#/components/schemas/Session"})


def _post(
    summary: str,
    body: dict[str, Any],
    ok: dict[str, Any],
    errors: dict[str, str],
    *,
    public: bool = True,
    ok_status: str = "200",
) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "requestBody": {"required": True, **_json(body)},
        "responses": {ok_status: ok, **{code: {"description": text, **_ERR} for code, text in errors.items()}},
    }
    if public:
        op["security"] = []
    return {"post": op}


AUTH_PATHS: dict[str, Any] = {
    "/auth/password-login": _post(
        "手机号 + 密码 sign-in; 5 failures lock the account for 15 minutes",
        _obj(["mobile", "password"], mobile=_S, password=_S, kind=_KIND),
        {"description": "a session", **_SESSION},
        {"401": "login_failed: 手机号或密码错误", "403": "account_disabled", "429": "too_many_attempts"},
    ),
    "/auth/sms-codes": _post(
        "Send a 6-digit code (purpose login or reset); one per 60 s and 10 per day per number",
        _obj(["mobile"], mobile=_S, purpose={"type": "string", "enum": ["login", "reset"], "default": "login"}),
        {"description": "accepted (the same answer for unregistered numbers)"},
        {
            "422": "invalid_mobile",
            "429": "sms_too_frequent: the number's code windows (1/min, 5/h, 10/24 h) are "
            "full; error.retry_after and the Retry-After header give the seconds to wait",
        },
        ok_status="202",
    ),
    "/auth/sms-login": _post(
        "手机号 + 验证码 sign-in; a code works once, 5 wrong tries burn it",
        _obj(["mobile", "code"], mobile=_S, code=_S, kind=_KIND),
        {"description": "a session", **_SESSION},
        {"401": "invalid_sms_code", "403": "account_disabled"},
    ),
    "/auth/password-reset": _post(
        "Set a new password with a reset code; every session of the account ends",
        _obj(["mobile", "code", "new_password"], mobile=_S, code=_S, new_password=_S),
        {"description": "done"},
        {"401": "invalid_sms_code", "422": "weak_password"},
        ok_status="204",
    ),
    "/auth/dingtalk-login": _post(
        "DingTalk 免登: the micro-app's authCode (dd.getAuthCode) for a session",
        _obj(["auth_code"], auth_code=_S),
        {"description": "a session", **_SESSION},
        {
            "401": "invalid_auth_code",
            "404": "account_not_found: 未找到您的账号，请联系管理员",
            "503": "platform_unavailable",
        },
    ),
    "/auth/mini-program-login": _post(
        "Mini-program login with a wx.login code: the bound account's session, or a pending one (bound=false)",
        _obj(["code"], code=_S),
        {"description": "a session", **_SESSION},
        {"401": "invalid_login_code", "503": "platform_unavailable"},
    ),
    "/auth/mini-program-bind": _post(
        "Bind the pending mini-program session (its bearer token) by phone authorization: `code` from "
        "getPhoneNumber. Binds only when the phone equals an expert's or enterprise contact's mobile; "
        "the same token then carries the account",
        _obj(["code"], code=_S),
        {"description": "the session, now bound", **_SESSION},
        {
            "401": "invalid_phone_code: 手机号授权已失效，请重新授权 / unauthenticated",
            "403": "not_mini_program / already_bound: only a pending mini-program session binds",
            "404": "account_not_found: 账号不存在，请联系法人机构管理员确认信息是否已加入系统",
            "409": "bound_elsewhere: 该账号已绑定其他微信 / already_bound (a concurrent bind won)",
            "422": "missing_code",
            "503": "platform_unavailable",
        },
        public=False,
    ),
    "/auth/password": _post(
        "Change one's password (min 8 characters with letters and digits); other sessions end",
        _obj(["old_password", "new_password"], old_password=_S, new_password=_S),
        {"description": "done"},
        {"401": "wrong_password / unauthenticated", "422": "weak_password"},
        public=False,
        ok_status="204",
    ),
    "/auth/logout": {
        "post": {
            "summary": "End this session",
            "responses": {"204": {"description": "done"}, "401": {"description": "unauthenticated", **_ERR}},
        }
    },
    "/me": {
        "get": {
            "summary": "The signed-in account, its roles and whether a password change is due",
            "responses": {
                "200": {
                    "description": "me",
                    **_json(
                        _obj(
                            ["account", "roles", "must_change_password"],
                            account=_obj(
                                ["id", "name", "mobile", "status"],
                                id={"type": "integer"},
                                name=_S,
                                mobile=_S,
                                status=_S,
                            ),
                            roles={
                                "type": "array",
                                "items": _obj(
                                    ["role"],
                                    role=_S,
                                    institution_id={"type": ["integer", "null"]},
                                    centre_id={"type": ["integer", "null"]},
                                    region_code={"type": ["string", "null"]},
                                ),
                            },
                            session_kind=_S,
                            must_change_password={"type": "boolean"},
                        )
                    ),
                },
                "401": {"description": "unauthenticated", **_ERR},
            },
        }
    },
}

SESSION_SCHEMA: dict[str, Any] = _obj(
    ["token", "token_type", "kind", "account_id", "bound", "must_change_password"],
    token={"type": "string", "description": "send as `Authorization: Bearer <token>`"},
    token_type={"type": "string", "enum": ["Bearer"]},
    kind=_KIND,
    account_id={"type": ["integer", "null"]},
    bound={"type": "boolean", "description": "false: a pending mini-program session awaiting binding"},
    must_change_password={"type": "boolean"},
    roles={
        "type": "array",
        "items": {"type": "string", "enum": ["expert", "enterprise_contact"]},
        "description": "mini-program sessions only: whom the bound account is (empty while pending)",
    },
    greeting={
        "type": "string",
        "description": "mini-program sessions only: the welcome to show, naming the "
        "role (专家 / 企业联系人) and what it can do; empty while pending",
    },
)

SECURITY_SCHEMES: dict[str, Any] = {"bearer": {"type": "http", "scheme": "bearer"}}
