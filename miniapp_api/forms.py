"""The declared forms, served to the pages (FORMS_CONTRACT.md): fields, rules and the body's JSON schema."""

from __future__ import annotations

from aiohttp import web

from handlers.errors import NotFound
from handlers.forms.registry import FORMS
from handlers.forms.served import describe
from miniapp_api import rest
from miniapp_api.schemas import operation


async def get_form(request: web.Request) -> web.Response:
    declared = FORMS.get(request.match_info["name"])
    if declared is None:
        raise NotFound("未找到该表单", code="form_not_found")
    return rest.json(describe(declared))


_FORM = {
    "type": "object",
    "required": ["name", "title", "version", "submit", "draft", "fields", "rules", "json_schema"],
    "properties": {
        "name": {"type": "string"},
        "title": {"type": "string"},
        "version": {"type": "string"},
        "submit": {"type": "object"},
        "draft": {"type": "boolean"},
        "fields": {"type": "array", "items": {"type": "object"}},
        "rules": {"type": "array", "items": {"type": "object"}},
        "json_schema": {"type": "object"},
    },
}

ROUTES = [
    rest.route(
        "GET",
        "/forms/{name}",
        get_form,
        operation(
            "A declared form as the pages render it: fields, limits, choices, sections, rules and the body's schema",
            ("200", _FORM),
            errors={"404": "form_not_found"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
