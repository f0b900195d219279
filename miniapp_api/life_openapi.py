"""The changes-of-life paths of the OpenAPI document (merged into miniapp_api.app.OPENAPI)."""

from __future__ import annotations

from typing import Any

_ERR = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
_S = {"type": "string"}
_ID = {"type": "integer"}


def _obj(required: list[str], **props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": required, "properties": props}


def _id_param(name: str) -> dict[str, Any]:
    return {"name": name, "in": "path", "required": True, "schema": _ID}


def _post(summary: str, body: dict[str, Any], ok_status: str, ok: dict[str, Any], errors: dict[str, str],
          params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    op: dict[str, Any] = {
        "summary": summary,
        "requestBody": {"required": True, "content": {"application/json": {"schema": body}}},
        "responses": {ok_status: ok, **{code: {"description": text, **_ERR} for code, text in errors.items()}},
    }
    if params:
        op["parameters"] = params
    return {"post": op}


LIFE_PATHS: dict[str, Any] = {
    "/staff/{member_id}/departure": _post(
        "A staff member leaves (centre or institution admin): access ends at once, the successor takes over",
        _obj(["reason"], successor_staff_member_id={"type": ["integer", "null"]}, reason=_S),
        "200", {"description": "departed", "content": {"application/json": {"schema": _obj(
            ["account_id", "successor_account_id", "account_disabled"], account_id=_ID,
            successor_account_id={"type": ["integer", "null"]}, account_disabled={"type": "boolean"})}}},
        {"403": "forbidden / own_departure", "404": "not_found", "409": "staff_already_left",
         "422": "invalid_successor"},
        [_id_param("member_id")],
    ),
    "/accounts/{account_id}/initial-password": _post(
        "Set a starting password (system admin; institution admin for its staff); it must be changed at sign-in",
        _obj(["password"], password=_S), "204", {"description": "set"},
        {"403": "forbidden", "404": "not_found", "422": "weak_password"},
        [_id_param("account_id")],
    ),
    "/accounts/{account_id}/mobile": _post(
        "Correct a person's mobile (system admin; institution admin for its staff and experts): "
        "platform bindings are dropped and bound again at the next sign-in",
        _obj(["mobile", "reason"], mobile=_S, reason=_S), "204", {"description": "corrected"},
        {"403": "forbidden", "404": "not_found", "409": "mobile_taken", "422": "invalid_mobile / same_mobile"},
        [_id_param("account_id")],
    ),
    "/me/mobile-codes": _post(
        "Send a code to the number the signed-in person wants to move to",
        _obj(["mobile"], mobile=_S), "202", {"description": "sent"},
        {"409": "mobile_taken", "422": "invalid_mobile / same_mobile", "429": "sms_too_frequent"},
    ),
    "/me/mobile": _post(
        "Move the signed-in account to the new number with its code; other sessions end",
        _obj(["mobile", "code"], mobile=_S, code=_S), "204", {"description": "changed"},
        {"401": "invalid_sms_code", "409": "mobile_taken"},
    ),
}
