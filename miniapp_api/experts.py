"""The experts pages: the list in scope, an expert's page, and what staff add to it (seed 004 §六)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any

from aiohttp import web

from handlers.experts.add_expert import AddExpert, ExpertAdded, add_expert
from handlers.experts.add_expert_follow_up import AddExpertFollowUp, ExpertFollowUpAdded, add_expert_follow_up
from handlers.experts.add_research_result import AddResearchResult, add_research_result
from handlers.experts.add_technical_solution import AddTechnicalSolution, add_technical_solution
from handlers.experts.expert_profiles import Work
from handlers.experts.form import EXPERT, EXPERT_FOLLOW_UP
from handlers.experts.get_expert_page import ExpertPage, GetExpertPage, get_expert_page
from handlers.experts.list_experts import ExpertView, ListExperts, list_experts
from handlers.experts.set_expert_expertise import ExpertExpertise, SetExpertExpertise, set_expert_expertise
from miniapp_api import rest
from miniapp_api.body import OptionalText, Text, TextList, fields, form
from miniapp_api.schemas import INT, obj, operation, page_of, schema_of


@dataclass(frozen=True)
class WorkForm:
    """A research result or a technical solution."""

    title: Annotated[str, Text(required=True, maxLength=200)]
    summary: Annotated[str, Text(maxLength=2000)]


def _works(forms: tuple[WorkForm, ...]) -> tuple[Work, ...]:
    return tuple(Work(w.title, w.summary) for w in forms)


_RESEARCH_FIELDS = {"maxItems": 10, "description": "technical-field codes"}


@dataclass(frozen=True)
class NewExpert:
    """The expert form (handlers.experts.form)."""

    name: str
    mobile: str
    employer: str
    title: str
    introduction: str
    research_results: tuple[dict[str, Any], ...]
    technical_solutions: tuple[dict[str, Any], ...]
    research_fields: tuple[str, ...]
    region_code: str | None


def _items(works: tuple[dict[str, Any], ...]) -> tuple[Work, ...]:
    return tuple(Work(w["title"], w["summary"]) for w in works)


@dataclass(frozen=True)
class Expertise:
    research_fields: Annotated[tuple[str, ...], TextList(required=True, **_RESEARCH_FIELDS)]
    region_code: Annotated[str | None, OptionalText(type=["string", "null"])]


@dataclass(frozen=True)
class NewFollowUp:
    """The expert follow-up form (handlers.experts.form)."""

    kind: str
    occurred_at: datetime
    content: str


async def experts(request: web.Request) -> web.Response:
    cmd = ListExperts(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_experts(cmd, rest.container(request).uow()))


async def new_expert(request: web.Request, body: NewExpert) -> web.Response:
    cmd = AddExpert(
        actor_id=rest.actor_id(request),
        institution_id=rest.path_id(request, "institution_id"),
        name=body.name,
        mobile=body.mobile,
        title=body.title,
        employer=body.employer,
        introduction=body.introduction,
        research_results=_items(body.research_results),
        technical_solutions=_items(body.technical_solutions),
        research_fields=body.research_fields,
        region_code=body.region_code,
    )
    return rest.json(await add_expert(cmd, rest.container(request).uow()), status=201)


async def expert_page(request: web.Request) -> web.Response:
    cmd = GetExpertPage(rest.actor_id(request), rest.path_id(request, "expert_id"))
    return rest.json(await get_expert_page(cmd, rest.container(request).uow()))


async def expertise(request: web.Request, body: Expertise) -> web.Response:
    cmd = SetExpertExpertise(
        rest.actor_id(request),
        rest.path_id(request, "expert_id"),
        body.research_fields,
        body.region_code,
    )
    return rest.json(await set_expert_expertise(cmd, rest.container(request).uow()))


async def new_research_result(request: web.Request, body: WorkForm) -> web.Response:
    cmd = AddResearchResult(rest.actor_id(request), rest.path_id(request, "expert_id"), body.title, body.summary)
    return rest.json({"id": await add_research_result(cmd, rest.container(request).uow())}, status=201)


async def new_technical_solution(request: web.Request, body: WorkForm) -> web.Response:
    cmd = AddTechnicalSolution(rest.actor_id(request), rest.path_id(request, "expert_id"), body.title, body.summary)
    return rest.json({"id": await add_technical_solution(cmd, rest.container(request).uow())}, status=201)


async def new_follow_up(request: web.Request, body: NewFollowUp) -> web.Response:
    cmd = AddExpertFollowUp(
        rest.actor_id(request), rest.path_id(request, "link_id"), body.kind, body.occurred_at, body.content
    )
    return rest.json(await add_expert_follow_up(cmd, rest.container(request).uow()), status=201)


_ID = obj(["id"], id=INT)

ROUTES = [
    rest.route(
        "GET",
        "/experts",
        experts,
        operation("Experts in the caller's scope (an expert sees themself)", ("200", page_of(ExpertView)), paged=True),
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/experts",
        new_expert,
        operation(
            "The institution admin adds an expert it maintains (an existing expert gains a link)",
            ("201", schema_of(ExpertAdded)),
            errors={"422": "invalid_mobile / introduction_too_long", "409": "expert_exists"},
        ),
        body=form(EXPERT, NewExpert),
    ),
    rest.route(
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
    rest.route(
        "PUT",
        "/experts/{expert_id}/expertise",
        expertise,
        operation(
            "A maintaining institution's admin or staff sets the expert's research fields and region (what expert "
            "pushes rank by)",
            ("200", schema_of(ExpertExpertise)),
            errors={"404": "not_found", "422": "invalid_tech_field / too_many_research_fields / invalid_region"},
        ),
        body=fields(Expertise),
    ),
    rest.route(
        "POST",
        "/experts/{expert_id}/research-results",
        new_research_result,
        operation(
            "A maintaining institution's admin or staff adds a research result",
            ("201", _ID),
            errors={"404": "not_found", "422": "missing_field / field_too_long"},
        ),
        body=fields(WorkForm),
    ),
    rest.route(
        "POST",
        "/experts/{expert_id}/technical-solutions",
        new_technical_solution,
        operation(
            "A maintaining institution's admin or staff adds a technical solution",
            ("201", _ID),
            errors={"404": "not_found", "422": "missing_field / field_too_long"},
        ),
        body=fields(WorkForm),
    ),
    rest.route(
        "POST",
        "/expert-links/{link_id}/follow-ups",
        new_follow_up,
        operation(
            "A staff member of the link's institution records a follow-up",
            ("201", schema_of(ExpertFollowUpAdded)),
            errors={
                "404": "not_found",
                "422": "invalid_follow_up_kind / invalid_time / missing_field / field_too_long / invalid_form",
            },
        ),
        body=form(EXPERT_FOLLOW_UP, NewFollowUp),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
