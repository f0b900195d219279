"""The enterprises pages: the list in scope, one enterprise with contacts; members add both (seed 004 §七)."""

from __future__ import annotations

from aiohttp import web

from handlers.errors import DomainError
from handlers.organisation.add_enterprise import AddEnterprise, EnterpriseAdded, add_enterprise
from handlers.organisation.add_enterprise_contact import (
    AddEnterpriseContact,
    EnterpriseContactAdded,
    add_enterprise_contact,
)
from handlers.organisation.get_enterprise import EnterpriseDetail, GetEnterprise, get_enterprise
from handlers.organisation.list_enterprises import EnterpriseView, ListEnterprises, list_enterprises
from handlers.organisation.ports import BusinessRegistry
from miniapp_api import rest
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import STR, obj, operation, page_of, schema_of


class RegistryUnavailable(DomainError):
    status = 503
    code = "registry_unavailable"
    message = "工商信息查询服务暂不可用，请稍后再试"


def _registry(request: web.Request) -> BusinessRegistry:
    registry = rest.container(request).registry
    if registry is None:
        raise RegistryUnavailable()
    return registry


async def enterprises(request: web.Request) -> web.Response:
    cmd = ListEnterprises(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_enterprises(cmd, rest.container(request).uow()))


async def new_enterprise(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddEnterprise(rest.actor_id(request), rest.path_id(request, "institution_id"), rest.text(body, "full_name"))
    added = await add_enterprise(cmd, rest.container(request).uow(), _registry(request), request.app[REGIONS])
    return rest.json(added, status=201)


async def enterprise(request: web.Request) -> web.Response:
    cmd = GetEnterprise(rest.actor_id(request), rest.path_id(request, "enterprise_id"))
    return rest.json(await get_enterprise(cmd, rest.container(request).uow()))


async def new_contact(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddEnterpriseContact(
        rest.actor_id(request), rest.path_id(request, "enterprise_id"), rest.text(body, "name"),
        rest.text(body, "position"), rest.text(body, "phone"),
    )
    return rest.json(await add_enterprise_contact(cmd, rest.container(request).uow()), status=201)


ROUTES = [
    rest.Route("GET", "/enterprises", enterprises, operation(
        "Enterprises in the caller's scope", ("200", page_of(EnterpriseView)), paged=True)),
    rest.Route("POST", "/institutions/{institution_id}/enterprises", new_enterprise, operation(
        "An institution member adds an enterprise by its full registered name (business-registry lookup)",
        ("201", schema_of(EnterpriseAdded)), body=obj(["full_name"], full_name=STR),
        errors={"404": "enterprise_not_registered: 未查询到该企业的工商信息", "409": "enterprise_exists",
                "503": "registry_unavailable"})),
    rest.Route("GET", "/enterprises/{enterprise_id}", enterprise, operation(
        "One enterprise with its contacts", ("200", schema_of(EnterpriseDetail)), errors={"404": "not_found"})),
    rest.Route("POST", "/enterprises/{enterprise_id}/contacts", new_contact, operation(
        "A member of a keeping institution adds a contact (mobile or landline with area code)",
        ("201", schema_of(EnterpriseContactAdded)),
        body=obj(["name", "position", "phone"], name=STR, position=STR, phone=STR),
        errors={"404": "not_found", "422": "invalid_phone", "409": "contact_exists"})),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
