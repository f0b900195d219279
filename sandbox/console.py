"""The sandbox console: each simulated person's phone, with the inbox the platform fakes fill."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from pathlib import Path
from typing import Any

from aiohttp import web

from sandbox.state import InboxItem, SandboxState

_PAGE = (Path(__file__).parent / "console.html").read_text("utf-8")


def _item(item: InboxItem) -> dict[str, object]:
    return {
        "id": item.id,
        "channel": item.channel,
        "title": item.title,
        "body": item.body,
        "at": item.at.isoformat(),
        "actions": item.actions,
        "data": item.data,
    }


# Console buttons that start a job of the service at once, e.g. "digest": 「触发每日推送」.
Triggers = Mapping[str, Callable[[], Awaitable[dict[str, Any]]]]


def add_console_routes(app: web.Application, state: SandboxState, triggers: Triggers | None = None) -> None:
    async def page(_request: web.Request) -> web.Response:
        return web.Response(text=_PAGE, content_type="text/html", charset="utf-8")

    async def people(_request: web.Request) -> web.Response:
        return web.json_response(
            {
                "people": [
                    {
                        "id": p.id,
                        "name": p.name,
                        "role": p.role,
                        "mobile": p.mobile,
                        "unread": len(state.inbox.get(p.id, [])),
                    }
                    for p in state.people.values()
                ]
            }
        )

    async def inbox(request: web.Request) -> web.Response:
        person_id = request.match_info["person_id"]
        if person_id not in state.people:
            return web.json_response({"error": "not_found", "message": "沙箱中没有这个人"}, status=404)
        items = sorted(state.inbox.get(person_id, []), key=lambda i: i.id, reverse=True)
        return web.json_response({"items": [_item(i) for i in items]})

    async def trigger(request: web.Request) -> web.Response:
        run = (triggers or {}).get(request.match_info["name"])
        if run is None:
            return web.json_response({"error": "not_found", "message": "没有这个操作"}, status=404)
        return web.json_response(await run())

    app.router.add_get("", page)
    app.router.add_post("/api/triggers/{name}", trigger)
    app.router.add_get("/", page)
    app.router.add_get("/api/people", people)
    app.router.add_get("/api/people/{person_id}/inbox", inbox)
