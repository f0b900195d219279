"""REST for the mini-program and the DingTalk micro-app pages, mounted at /api/v1."""

from __future__ import annotations

from aiohttp import web

from miniapp_api import (
    auth,
    calendar,
    centres,
    demands,
    enterprises,
    expert_import,
    expert_pages,
    expert_pushes,
    expert_subscriptions,
    experts,
    file_links,
    follow_ups,
    forms,
    indicators,
    invitation_codes,
    life_events,
    manager_import,
    membership_invitations,
    monitoring,
    monitoring_charts,
    organisation,
    points,
    projects,
    publications,
    reference,
    registration,
    registration_institution,
    registration_managers,
    rest,
    staff,
    workbench,
)
from miniapp_api.errors import error_middleware
from miniapp_api.schemas import operation, with_common_responses

# The REST pages: each area declares its routes with their OpenAPI operations (miniapp_api.rest.Route).
PAGE_AREAS = (
    organisation,
    centres,
    staff,
    experts,
    enterprises,
    invitation_codes,
    expert_import,
    life_events,
    membership_invitations,
    demands,
    points,
    indicators,
    follow_ups,
    projects,
    publications,
    expert_pushes,
    expert_pages,
    expert_subscriptions,
    calendar,
    file_links,
    workbench,
    forms,
    monitoring,
    monitoring_charts,
    registration,
    registration_managers,
    manager_import,
    registration_institution,
)


async def openapi(_request: web.Request) -> web.Response:
    return web.json_response(OPENAPI)


ROUTES = [
    rest.route(
        "GET",
        "/openapi.json",
        openapi,
        operation("This document", ("200", {}), ok_description="the OpenAPI document"),
        access=rest.Access.PUBLIC,
    )
]
# Every route under /api/v1, each declared once with its operation, body and access (miniapp_api.rest.route).
AREAS = (ROUTES, reference.ROUTES, auth.ROUTES, *(area.ROUTES for area in PAGE_AREAS))

OPENAPI = {
    "openapi": "3.1.0",
    "info": {"title": "kezhuan mini-program and micro-app API", "version": "0.1.0"},
    "servers": [{"url": "/api/v1"}],
    # Every operation needs a bearer token unless it says `security: []`.
    "security": [{"bearer": []}],
    "paths": with_common_responses(rest.paths(*AREAS)),
    "components": {
        "securitySchemes": auth.SECURITY_SCHEMES,
        "schemas": {
            "Session": auth.SESSION_SCHEMA,
            "Error": {
                "type": "object",
                "required": ["error"],
                "properties": {
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": {
                            "code": {"type": "string"},
                            "message": {"type": "string"},
                            "field": {"type": "string", "description": "the request field the error is about, if one"},
                            "fields": {
                                "type": "array",
                                "description": "invalid_form: every wrong field's error (a group's item is "
                                "`group[0].name`); the message above is the first one's",
                                "items": {
                                    "type": "object",
                                    "required": ["field", "code", "message"],
                                    "properties": {
                                        "field": {"type": "string"},
                                        "code": {"type": "string"},
                                        "message": {"type": "string"},
                                    },
                                },
                            },
                            "retry_after": {
                                "type": "integer",
                                "description": "seconds to wait before asking again, if "
                                "it helps (the Retry-After header says the same)",
                            },
                        },
                    }
                },
            },
            "Region": {
                "type": "object",
                "required": ["code", "name", "full_name", "level", "parent", "abolished", "successors", "has_children"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[0-9]{6}$"},
                    "name": {"type": "string"},
                    "full_name": {"type": "string"},
                    "level": {"type": "string", "enum": ["province", "city", "district"]},
                    "parent": {"type": ["string", "null"]},
                    "abolished": {"type": ["integer", "null"], "description": "year the code was withdrawn"},
                    "successors": {"type": "array", "items": {"type": "string"}},
                    "has_children": {"type": "boolean"},
                },
            },
            "RegionDetail": {
                "allOf": [
                    {"$ref": "#/components/schemas/Region"},
                    {
                        "type": "object",
                        "required": ["ancestors", "children"],
                        "properties": {
                            "ancestors": {
                                "type": "array",
                                "items": {
                                    "type": "object",
                                    "properties": {"code": {"type": "string"}, "name": {"type": "string"}},
                                },
                            },
                            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Region"}},
                        },
                    },
                ],
            },
            "TechField": {
                "type": "object",
                "required": ["code", "name", "level", "parent", "path", "has_children"],
                "properties": {
                    "code": {"type": "string", "pattern": "^[0-9]{2}([0-9]{2}){0,2}$"},
                    "name": {"type": "string"},
                    "level": {"type": "integer", "minimum": 1, "maximum": 3},
                    "parent": {"type": ["string", "null"]},
                    "path": {"type": "string", "examples": ["电子信息 › 软件 › 基础软件"]},
                    "has_children": {"type": "boolean"},
                },
            },
            "TechFieldDetail": {
                "allOf": [
                    {"$ref": "#/components/schemas/TechField"},
                    {
                        "type": "object",
                        "required": ["children"],
                        "properties": {
                            "children": {"type": "array", "items": {"$ref": "#/components/schemas/TechField"}}
                        },
                    },
                ],
            },
            "TechFieldNode": {
                "type": "object",
                "required": ["code", "name", "children"],
                "properties": {
                    "code": {"type": "string"},
                    "name": {"type": "string"},
                    "children": {"type": "array", "items": {"$ref": "#/components/schemas/TechFieldNode"}},
                },
            },
        },
    },
}


def create_api_app() -> web.Application:
    app = web.Application(middlewares=[error_middleware, auth.auth_middleware, rest.text_middleware])
    rest.add_routes(app, ROUTES)
    reference.register(app)
    auth.register(app)
    for area in PAGE_AREAS:
        area.register(app)
    return app
