"""The experts pages: the list in scope, an expert's page, and what staff add to it (seed 004 §六)."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.experts.add_expert import AddExpert, ExpertAdded, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, ExpertFollowUpAdded, add_expert_follow_up
from handlers.experts.add_research_result import AddResearchResult, add_research_result
from handlers.experts.add_technical_solution import AddTechnicalSolution, add_technical_solution
from handlers.experts.expert_profiles import Work
from handlers.experts.get_expert_page import ExpertPage, GetExpertPage, get_expert_page
from handlers.experts.list_experts import ExpertView, ListExperts, list_experts
from handlers.experts.set_expert_expertise import ExpertExpertise, SetExpertExpertise, set_expert_expertise
from miniapp_api import rest
from miniapp_api.schemas import INT, STR, obj, operation, page_of, schema_of
from store.models.organisation_people import FollowUpKind


def _works(body: dict[str, Any], name: str) -> tuple[Work, ...]:
    return tuple(Work(rest.text(w, "title"), rest.text(w, "summary")) for w in rest.objects(body, name))


async def experts(request: web.Request) -> web.Response:
    cmd = ListExperts(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_experts(cmd, rest.container(request).uow()))


async def new_expert(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddExpert(
        actor_id=rest.actor_id(request),
        institution_id=rest.path_id(request, "institution_id"),
        name=rest.text(body, "name"),
        mobile=rest.text(body, "mobile"),
        title=rest.text(body, "title"),
        employer=rest.text(body, "employer"),
        introduction=rest.text(body, "introduction"),
        research_results=_works(body, "research_results"),
        technical_solutions=_works(body, "technical_solutions"),
        research_fields=rest.texts(body, "research_fields") or (),
        region_code=rest.optional_text(body, "region_code"),
    )
    return rest.json(await add_expert(cmd, rest.container(request).uow()), status=201)


async def expert_page(request: web.Request) -> web.Response:
    cmd = GetExpertPage(rest.actor_id(request), rest.path_id(request, "expert_id"))
    return rest.json(await get_expert_page(cmd, rest.container(request).uow()))


async def expertise(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = SetExpertExpertise(
        rest.actor_id(request),
        rest.path_id(request, "expert_id"),
        rest.texts(body, "research_fields") or (),
        rest.optional_text(body, "region_code"),
    )
    return rest.json(await set_expert_expertise(cmd, rest.container(request).uow()))


async def new_research_result(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddResearchResult(
        rest.actor_id(request), rest.path_id(request, "expert_id"), rest.text(body, "title"), rest.text(body, "summary")
    )
    return rest.json({"id": await add_research_result(cmd, rest.container(request).uow())}, status=201)


async def new_technical_solution(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddTechnicalSolution(
        rest.actor_id(request), rest.path_id(request, "expert_id"), rest.text(body, "title"), rest.text(body, "summary")
    )
    return rest.json({"id": await add_technical_solution(cmd, rest.container(request).uow())}, status=201)


async def new_follow_up(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddExpertFollowUp(
        rest.actor_id(request),
        rest.path_id(request, "link_id"),
        rest.text(body, "kind"),
        rest.timestamp(body, "occurred_at"),
        rest.text(body, "content"),
    )
    return rest.json(await add_expert_follow_up(cmd, rest.container(request).uow()), status=201)


_WORK = obj(["title"], title={"type": "string", "maxLength": 200}, summary={"type": "string", "maxLength": 2000})
_NEW_EXPERT = obj(
    ["name", "mobile"],
    name=STR,
    mobile=STR,
    title=STR,
    employer=STR,
    introduction={"type": "string", "maxLength": 300},
    research_results={"type": "array", "items": _WORK},
    technical_solutions={"type": "array", "items": _WORK},
    research_fields={"type": "array", "items": STR, "maxItems": 10, "description": "technical-field codes"},
    region_code={"type": "string", "description": "6-digit region code where the expert works"},
)
_FOLLOW_UP = obj(
    ["kind", "occurred_at", "content"],
    kind={"type": "string", "enum": [k.value for k in FollowUpKind]},
    occurred_at={"type": "string", "format": "date-time"},
    content={"type": "string", "maxLength": 2000},
)
_ID = obj(["id"], id=INT)

ROUTES = [
    rest.Route(
        "GET",
        "/experts",
        experts,
        operation("Experts in the caller's scope (an expert sees themself)", ("200", page_of(ExpertView)), paged=True),
    ),
    rest.Route(
        "POST",
        "/institutions/{institution_id}/experts",
        new_expert,
        operation(
            "The institution admin adds an expert it maintains (an existing expert gains a link)",
            ("201", schema_of(ExpertAdded)),
            body=_NEW_EXPERT,
            errors={"422": "invalid_mobile / introduction_too_long", "409": "expert_exists"},
        ),
    ),
    rest.Route(
        "GET",
        "/experts/{expert_id}",
        expert_page,
        operation(
            "An expert's page: basic information, research results, technical solutions, and follow-ups on the "
            "caller's own institution's link only",
            ("200", schema_of(ExpertPage)),
            errors={"404": "not_found"},
        ),
    ),
    rest.Route(
        "PUT",
        "/experts/{expert_id}/expertise",
        expertise,
        operation(
            "A maintaining institution's admin or staff sets the expert's research fields and region (what expert "
            "pushes rank by)",
            ("200", schema_of(ExpertExpertise)),
            body=obj(
                ["research_fields"],
                research_fields=_NEW_EXPERT["properties"]["research_fields"],
                region_code={"type": ["string", "null"]},
            ),
            errors={"404": "not_found", "422": "invalid_tech_field / too_many_research_fields / invalid_region"},
        ),
    ),
    rest.Route(
        "POST",
        "/experts/{expert_id}/research-results",
        new_research_result,
        operation(
            "A maintaining institution's admin or staff adds a research result",
            ("201", _ID),
            body=_WORK,
            errors={"404": "not_found", "422": "missing_field / field_too_long"},
        ),
    ),
    rest.Route(
        "POST",
        "/experts/{expert_id}/technical-solutions",
        new_technical_solution,
        operation(
            "A maintaining institution's admin or staff adds a technical solution",
            ("201", _ID),
            body=_WORK,
            errors={"404": "not_found", "422": "missing_field / field_too_long"},
        ),
    ),
    rest.Route(
        "POST",
        "/expert-links/{link_id}/follow-ups",
        new_follow_up,
        operation(
            "A staff member of the link's institution records a follow-up",
            ("201", schema_of(ExpertFollowUpAdded)),
            body=_FOLLOW_UP,
            errors={"404": "not_found", "422": "invalid_follow_up_kind / invalid_time"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
