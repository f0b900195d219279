"""A receiver for the second audit anchor (`KEZHUAN_AUDIT__SECOND_ANCHOR__KIND=http`) in sandbox mode.

POST /anchors {seq, hash, prev_hash, created_at, heads} → 201, kept in order and never changed;
GET /anchors → {"anchors": [...]}, what `kezhuan audit verify` reads back. A real deployment points the sink at
an endpoint the database administrator does not run (an auditor's service, a notary, write-once storage)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

_REQUIRED = ("seq", "hash")
anchors_key = web.AppKey("audit_anchors", list[dict[str, Any]])


def audit_anchor_sandbox_app() -> web.Application:
    app = web.Application()
    app[anchors_key] = []

    async def keep(request: web.Request) -> web.Response:
        try:
            record = await request.json()
        except ValueError:
            return web.json_response({"error": "invalid_json"}, status=400)
        if not isinstance(record, dict) or any(name not in record for name in _REQUIRED):
            return web.json_response({"error": "missing_fields", "required": list(_REQUIRED)}, status=400)
        app[anchors_key].append(record)
        return web.json_response({"kept": len(app[anchors_key])}, status=201)

    async def listing(request: web.Request) -> web.Response:
        return web.json_response({"anchors": app[anchors_key]})

    app.router.add_post("/anchors", keep)
    app.router.add_get("/anchors", listing)
    return app
