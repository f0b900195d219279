"""Expert pushes on a demand: ranked suggestions, the push, and the pushes with their delivery status."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.expert_push.list_expert_pushes import ExpertPushView, ListExpertPushes, list_expert_pushes
from handlers.expert_push.policy import ExpertPushPolicy, PushUnavailable
from handlers.expert_push.push_experts import ExpertsPushed, PushExperts, push_experts
from handlers.expert_push.suggest_experts import ExpertSuggestion, SuggestExperts, suggest_experts
from miniapp_api import rest
from miniapp_api.body import Field, fields, is_id
from miniapp_api.schemas import obj, operation, schema_of


def _policy(request: web.Request) -> ExpertPushPolicy:
    policy = rest.container(request).expert_push_policy
    if policy is None:
        raise PushUnavailable()
    return policy


async def suggestions(request: web.Request) -> web.Response:
    q = request.query
    cmd = SuggestExperts(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        field=q.get("field"),
        region=q.get("region"),
        employer=q.get("employer"),
    )
    items = await suggest_experts(cmd, rest.container(request).uow(), _policy(request))
    return rest.json({"items": rest.plain(items)})


def _expert_ids(body: dict[str, Any], name: str) -> tuple[int, ...]:
    ids = body.get(name)
    if not isinstance(ids, list) or not all(is_id(i) for i in ids):
        raise InvalidInput("字段 expert_ids 应为专家编号的列表", code="invalid_field")
    return tuple(ids)


@dataclass(frozen=True)
class Push:
    expert_ids: Annotated[
        tuple[int, ...],
        Field(_expert_ids, {"type": "array", "items": {"type": "integer"}, "minItems": 1, "maxItems": 20}, True),
    ]


async def push(request: web.Request, body: Push) -> web.Response:
    cmd = PushExperts(rest.actor_id(request), rest.path_id(request, "demand_id"), body.expert_ids)
    return rest.json(await push_experts(cmd, rest.container(request).uow(), _policy(request)), status=201)


async def pushes(request: web.Request) -> web.Response:
    cmd = ListExpertPushes(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json({"items": rest.plain(await list_expert_pushes(cmd, rest.container(request).uow()))})


_STRING_FILTERS = (
    ("field", "a technical-field code: experts in that field or below it"),
    ("region", "a region code: experts working within it"),
    ("employer", "part of the expert's employer's name"),
)
_SUGGEST = operation(
    "Experts the demand can be pushed to (maintained by its institution, bound, following the official "
    "account), best first, each score with its reasons; for the docking staff member and the centre admin",
    ("200", obj(["items"], items={"type": "array", "items": schema_of(ExpertSuggestion)})),
    errors={
        "404": "not_found",
        "409": "illegal_transition",
        "422": "invalid_tech_field / invalid_region / invalid_field",
        "503": "wechat_not_configured",
    },
)
_SUGGEST.setdefault("parameters", []).extend(
    {"name": name, "in": "query", "required": False, "schema": {"type": "string"}, "description": text}
    for name, text in _STRING_FILTERS
)

ROUTES = [
    rest.route("GET", "/demands/{demand_id}/expert-suggestions", suggestions, _SUGGEST),
    rest.route(
        "POST",
        "/demands/{demand_id}/expert-pushes",
        push,
        operation(
            "The docking staff member (or the centre admin) pushes a demand in docking or published to chosen "
            "experts: one WeChat template message each; a repeat push to an expert is sent again but earns no "
            "second point",
            ("201", schema_of(ExpertsPushed)),
            errors={
                "404": "not_found / expert_not_found",
                "409": "illegal_transition / expert_not_following / expert_not_bound",
                "422": "invalid_field / expert_ids_required / too_many_experts",
                "503": "wechat_not_configured",
            },
        ),
        body=fields(Push),
    ),
    rest.route(
        "GET",
        "/demands/{demand_id}/expert-pushes",
        pushes,
        operation(
            "A demand's expert pushes, latest first, with the expert, the delivery status, the score, its reasons "
            "and the time WeChat accepted it (institution side only)",
            ("200", obj(["items"], items={"type": "array", "items": schema_of(ExpertPushView)})),
            errors={"404": "not_found"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
