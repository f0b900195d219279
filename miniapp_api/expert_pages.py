"""The expert's mini-program pages: 信息维护, 技术发布, 需求大厅, demand detail, 对接该需求 / 取消对接,
联系技术经纪人 and 我的对接. Only a bound expert passes; every id outside the expert's own answers 404."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from aiohttp import web

from handlers.expert_channel.contact_broker import BrokerContact, ContactBroker, contact_broker
from handlers.expert_channel.demand_views import ExpertDemandDetail, HallRow
from handlers.expert_channel.dock_demand import DockDemand, dock_demand
from handlers.expert_channel.dockings import DockingView
from handlers.expert_channel.edit_technology import EditTechnology, edit_technology
from handlers.expert_channel.form import EXPERT_PROFILE, TECHNOLOGY, TECHNOLOGY_EDIT
from handlers.expert_channel.get_demand_for_expert import GetDemandForExpert, get_demand_for_expert
from handlers.expert_channel.get_profile import ExpertProfileView, GetProfile, get_profile
from handlers.expert_channel.list_hall import ListHall, list_hall
from handlers.expert_channel.list_my_dockings import ListMyDockings, MyDocking, list_my_dockings
from handlers.expert_channel.list_technologies import ListTechnologies, list_technologies
from handlers.expert_channel.publish_technology import PublishTechnology, publish_technology
from handlers.expert_channel.set_research_fields import SetResearchFields, set_research_fields
from handlers.expert_channel.technologies import TechnologyFields, TechnologyView
from handlers.expert_channel.undock_demand import UndockDemand, undock_demand
from handlers.expert_channel.update_profile import UpdateProfile, update_profile
from handlers.expert_channel.withdraw_technology import WithdrawTechnology, withdraw_technology
from miniapp_api import rest
from miniapp_api.body import TextList, fields, form
from miniapp_api.schemas import STR, obj, operation, page_of, schema_of

_NOT_EXPERT = "forbidden: only an expert (其他角色 403)"


async def profile(request: web.Request) -> web.Response:
    return rest.json(await get_profile(GetProfile(rest.actor_id(request)), rest.container(request).uow()))


@dataclass(frozen=True)
class Profile:
    """信息维护 (handlers.expert_channel.form)."""

    title: str
    employer: str
    introduction: str


async def edit_profile(request: web.Request, body: Profile) -> web.Response:
    cmd = UpdateProfile(rest.actor_id(request), body.title, body.employer, body.introduction)
    return rest.json(await update_profile(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class ResearchFields:
    field_codes: Annotated[tuple[str, ...], TextList(required=True, maxItems=10, description="codes of /tech-fields")]


async def edit_research_fields(request: web.Request, body: ResearchFields) -> web.Response:
    cmd = SetResearchFields(rest.actor_id(request), body.field_codes)
    return rest.json(await set_research_fields(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class Technology:
    """技术发布 (handlers.expert_channel.form)."""

    title: str
    field_codes: tuple[str, ...]
    summary: str
    maturity: str
    cooperation_mode: str

    def fields(self) -> TechnologyFields:
        return TechnologyFields(self.title, self.field_codes, self.summary, self.maturity, self.cooperation_mode)


async def technologies(request: web.Request) -> web.Response:
    items = await list_technologies(ListTechnologies(rest.actor_id(request)), rest.container(request).uow())
    return rest.json({"items": rest.plain(items)})


async def new_technology(request: web.Request, body: Technology) -> web.Response:
    cmd = PublishTechnology(rest.actor_id(request), body.fields())
    return rest.json(await publish_technology(cmd, rest.container(request).uow()), status=201)


async def change_technology(request: web.Request, body: Technology) -> web.Response:
    cmd = EditTechnology(rest.actor_id(request), rest.path_id(request, "technology_id"), body.fields())
    return rest.json(await edit_technology(cmd, rest.container(request).uow()))


async def withdraw(request: web.Request) -> web.Response:
    cmd = WithdrawTechnology(rest.actor_id(request), rest.path_id(request, "technology_id"))
    return rest.json(await withdraw_technology(cmd, rest.container(request).uow()))


async def hall(request: web.Request) -> web.Response:
    q = request.query
    cmd = ListHall(
        rest.actor_id(request),
        rest.page_request(request),
        q.get("field") or None,
        q.get("region") or None,
        q.get("keyword") or None,
    )
    return rest.page_json(await list_hall(cmd, rest.container(request).uow()))


async def demand(request: web.Request) -> web.Response:
    cmd = GetDemandForExpert(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await get_demand_for_expert(cmd, rest.container(request).uow()))


async def dock(request: web.Request) -> web.Response:
    cmd = DockDemand(rest.actor_id(request), rest.path_id(request, "demand_id"))
    container = rest.container(request)
    return rest.json(await dock_demand(cmd, container.uow(), container.demand_policy))


async def undock(request: web.Request) -> web.Response:
    cmd = UndockDemand(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await undock_demand(cmd, rest.container(request).uow()))


async def broker(request: web.Request) -> web.Response:
    cmd = ContactBroker(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await contact_broker(cmd, rest.container(request).uow()))


async def dockings(request: web.Request) -> web.Response:
    cmd = ListMyDockings(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_my_dockings(cmd, rest.container(request).uow()))


_TECH_ERRORS = {
    "403": _NOT_EXPERT,
    "422": "missing_field / field_too_long / invalid_tech_field / "
    "too_many_tech_fields / invalid_maturity / invalid_cooperation_mode / invalid_field",
}
_HALL_FILTERS = [
    {
        "name": "field",
        "in": "query",
        "required": False,
        "schema": STR,
        "description": "a technical field code; its whole subtree matches",
    },
    {
        "name": "region",
        "in": "query",
        "required": False,
        "schema": STR,
        "description": "a region code; the regions below it match",
    },
    {
        "name": "keyword",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "maxLength": 50},
        "description": "searched in title and description",
    },
]
_DEMAND_404 = {"403": _NOT_EXPERT, "404": "not_found: missing or not visible to the expert"}


def _with_filters(op: dict[str, Any]) -> dict[str, Any]:
    params = op.get("parameters")
    return {**op, "parameters": [*(params if isinstance(params, list) else []), *_HALL_FILTERS]}


ROUTES = [
    rest.route(
        "GET",
        "/expert/profile",
        profile,
        operation(
            "信息维护: the expert's profile, maintaining institutions and works",
            ("200", schema_of(ExpertProfileView)),
            errors={"403": _NOT_EXPERT},
        ),
    ),
    rest.route(
        "PUT",
        "/expert/profile",
        edit_profile,
        operation(
            "信息维护: the expert edits title, employer and introduction",
            ("200", schema_of(ExpertProfileView)),
            errors={"403": _NOT_EXPERT, "422": "missing_field / field_too_long / introduction_too_long"},
        ),
        body=form(EXPERT_PROFILE, Profile),
    ),
    rest.route(
        "PUT",
        "/expert/research-fields",
        edit_research_fields,
        operation(
            "信息维护: the expert sets their own research fields (what expert pushes rank by); empty clears them",
            ("200", schema_of(ExpertProfileView)),
            errors={"403": _NOT_EXPERT, "422": "missing_field / invalid_tech_field / too_many_research_fields"},
        ),
        body=fields(ResearchFields),
    ),
    rest.route(
        "GET",
        "/expert/technologies",
        technologies,
        operation(
            "技术发布: the expert's own technologies, published and withdrawn",
            ("200", obj(["items"], items={"type": "array", "items": schema_of(TechnologyView)})),
            errors={"403": _NOT_EXPERT},
        ),
    ),
    rest.route(
        "POST",
        "/expert/technologies",
        new_technology,
        operation("技术发布: publish a technology", ("201", schema_of(TechnologyView)), errors=_TECH_ERRORS),
        body=form(TECHNOLOGY, Technology),
    ),
    rest.route(
        "PUT",
        "/expert/technologies/{technology_id}",
        change_technology,
        operation(
            "技术发布: edit one's own technology (a withdrawn one is published again)",
            ("200", schema_of(TechnologyView)),
            errors={**_TECH_ERRORS, "404": "technology_not_found"},
        ),
        body=form(TECHNOLOGY_EDIT, Technology),
    ),
    rest.route(
        "POST",
        "/expert/technologies/{technology_id}/withdraw",
        withdraw,
        operation(
            "技术发布: withdraw one's own technology",
            ("200", schema_of(TechnologyView)),
            errors={"403": _NOT_EXPERT, "404": "technology_not_found", "409": "already_withdrawn"},
        ),
    ),
    rest.route(
        "GET",
        "/expert/hall",
        hall,
        _with_filters(
            operation(
                "需求大厅: demands the expert sees (approved, open, of the institutions maintaining them), "
                "latest first",
                ("200", page_of(HallRow)),
                paged=True,
                errors={
                    "403": _NOT_EXPERT,
                    "422": "invalid_page / invalid_tech_field / invalid_region / keyword_too_long",
                },
            )
        ),
    ),
    rest.route(
        "GET",
        "/expert/demands/{demand_id}",
        demand,
        operation(
            "A demand's detail for the expert (no enterprise contacts: the expert goes through the docking staff)",
            ("200", schema_of(ExpertDemandDetail)),
            errors=_DEMAND_404,
        ),
    ),
    rest.route(
        "POST",
        "/expert/demands/{demand_id}/docking",
        dock,
        operation(
            "对接该需求: the docking staff member gets a DingTalk card; idempotent",
            ("200", schema_of(DockingView)),
            errors={**_DEMAND_404, "409": "illegal_transition"},
        ),
    ),
    rest.route(
        "DELETE",
        "/expert/demands/{demand_id}/docking",
        undock,
        operation(
            "取消对接: the staff member's card says so; idempotent",
            ("200", schema_of(DockingView)),
            errors={**_DEMAND_404, "409": "not_docked / illegal_transition"},
        ),
    ),
    rest.route(
        "GET",
        "/expert/demands/{demand_id}/broker",
        broker,
        operation(
            "联系技术经纪人: the docking staff member's name and mobile, once docked",
            ("200", schema_of(BrokerContact)),
            errors={**_DEMAND_404, "404": "not_found / no_broker", "409": "not_docked"},
        ),
    ),
    rest.route(
        "GET",
        "/expert/dockings",
        dockings,
        operation(
            "我的对接: the expert's dockings, cancelled ones included, latest first",
            ("200", page_of(MyDocking)),
            paged=True,
            errors={"403": _NOT_EXPERT, "422": "invalid_page"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
