"""需求订阅 and the daily digest's page: the expert's subscribed fields, and the demands one digest sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.expert_digest.show_digest import DigestView, ShowDigest, show_digest
from handlers.expert_digest.subscriptions import (
    ReplaceSubscriptions,
    ShowSubscriptions,
    Subscriptions,
    replace_subscriptions,
    show_subscriptions,
)
from miniapp_api import rest
from miniapp_api.body import Field, fields, texts
from miniapp_api.schemas import operation, schema_of


async def subscriptions(request: web.Request) -> web.Response:
    return rest.json(await show_subscriptions(ShowSubscriptions(rest.actor_id(request)), rest.container(request).uow()))


def _field_codes(body: dict[str, Any], name: str) -> tuple[str, ...]:
    codes = texts(body, name)
    if codes is None:  # an empty list unsubscribes from everything; a missing one is a mistake
        raise InvalidInput("缺少字段 field_codes", code="missing_field")
    return codes


@dataclass(frozen=True)
class NewSubscriptions:
    field_codes: Annotated[
        tuple[str, ...],
        Field(
            _field_codes,
            {"type": "array", "maxItems": 5, "items": {"type": "string", "pattern": "^[0-9]{2,6}$"}},
            required=True,
        ),
    ]


async def replace(request: web.Request, body: NewSubscriptions) -> web.Response:
    cmd = ReplaceSubscriptions(rest.actor_id(request), body.field_codes)
    return rest.json(await replace_subscriptions(cmd, rest.container(request).uow()))


async def digest(request: web.Request) -> web.Response:
    cmd = ShowDigest(rest.actor_id(request), rest.path_id(request, "digest_id"))
    return rest.json(await show_digest(cmd, rest.container(request).uow()))


ROUTES = [
    rest.route(
        "GET",
        "/expert/subscriptions",
        subscriptions,
        operation(
            "The signed-in expert's subscribed technical fields (up to 5, any level; a field covers its subtree)",
            ("200", schema_of(Subscriptions)),
            errors={"403": "forbidden (not an expert)"},
        ),
    ),
    rest.route(
        "PUT",
        "/expert/subscriptions",
        replace,
        operation(
            "Replace the expert's subscribed fields with the given set (empty: none); the daily 16:00 digest "
            "sends new demands in them",
            ("200", schema_of(Subscriptions)),
            errors={
                "403": "forbidden (not an expert)",
                "422": "missing_field / invalid_field / too_many_subscriptions / unknown_tech_field",
            },
        ),
        body=fields(NewSubscriptions),
    ),
    rest.route(
        "GET",
        "/expert/digests/{digest_id}",
        digest,
        operation(
            "The demands one daily digest sent to the signed-in expert, newest first (its template message's link)",
            ("200", schema_of(DigestView)),
            errors={"403": "forbidden (not an expert)", "404": "not_found"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
