"""The enterprises pages: the list in scope, one enterprise with contacts; members add both (seed 004 §七).

An enterprise is added by a business-registry lookup when a registry is configured (GET /enterprise-registry
says whether), or entered by hand (未核验) at any time; its institution corrects a hand entry until a registry
confirms it (POST …/verify).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aiohttp import web

from handlers.enterprises.add_enterprise import AddEnterprise, EnterpriseAdded, add_enterprise
from handlers.enterprises.add_enterprise_contact import (
    AddEnterpriseContact,
    EnterpriseContactAdded,
    add_enterprise_contact,
)
from handlers.enterprises.enter_enterprise import EnterEnterprise, enter_enterprise
from handlers.enterprises.enterprise_registry import RegistryStatus, registry_status
from handlers.enterprises.form import ENTERPRISE, ENTERPRISE_CONTACT, ENTERPRISE_EDIT, ENTERPRISE_ENTRY
from handlers.enterprises.get_enterprise import EnterpriseDetail, GetEnterprise, get_enterprise
from handlers.enterprises.list_enterprises import EnterpriseView, ListEnterprises, list_enterprises
from handlers.enterprises.update_enterprise import EnterpriseUpdated, UpdateEnterprise, update_enterprise
from handlers.enterprises.verify_enterprise import EnterpriseVerified, VerifyEnterprise, verify_enterprise
from miniapp_api import rest
from miniapp_api.body import Text, form
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import operation, page_of, schema_of


async def registry(request: web.Request) -> web.Response:
    return rest.json(registry_status(rest.container(request).registry))


async def enterprises(request: web.Request) -> web.Response:
    cmd = ListEnterprises(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_enterprises(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NamedEnterprise:
    """The enterprise form (handlers.enterprises.form)."""

    full_name: str


@dataclass(frozen=True)
class EnteredEnterprise:
    """The manual-entry form (handlers.enterprises.form)."""

    full_name: str
    credit_code: str
    region_code: str
    address: str
    legal_representative: str


@dataclass(frozen=True)
class EnterpriseChanges:
    """The edit form (handlers.enterprises.form): only what is sent changes."""

    full_name: str | None
    credit_code: str | None
    region_code: str | None
    address: str | None
    legal_representative: str | None


@dataclass(frozen=True)
class NewContact:
    name: Annotated[str, Text(required=True)]
    position: Annotated[str, Text(required=True)]
    phone: Annotated[str, Text(required=True)]


async def new_enterprise(request: web.Request, body: NamedEnterprise) -> web.Response:
    cmd = AddEnterprise(rest.actor_id(request), rest.path_id(request, "institution_id"), body.full_name)
    container = rest.container(request)
    added = await add_enterprise(cmd, container.uow(), container.registry, request.app[REGIONS])
    return rest.json(added, status=201)


async def entered_enterprise(request: web.Request, body: EnteredEnterprise) -> web.Response:
    cmd = EnterEnterprise(
        rest.actor_id(request),
        rest.path_id(request, "institution_id"),
        body.full_name,
        body.credit_code,
        body.region_code,
        body.address,
        body.legal_representative,
    )
    added = await enter_enterprise(cmd, rest.container(request).uow(), request.app[REGIONS])
    return rest.json(added, status=201)


async def edit_enterprise(request: web.Request, body: EnterpriseChanges) -> web.Response:
    cmd = UpdateEnterprise(
        rest.actor_id(request),
        rest.path_id(request, "enterprise_id"),
        full_name=body.full_name,
        credit_code=body.credit_code,
        region_code=body.region_code,
        address=body.address,
        legal_representative=body.legal_representative,
    )
    return rest.json(await update_enterprise(cmd, rest.container(request).uow(), request.app[REGIONS]))


async def verify(request: web.Request) -> web.Response:
    cmd = VerifyEnterprise(rest.actor_id(request), rest.path_id(request, "enterprise_id"))
    container = rest.container(request)
    return rest.json(await verify_enterprise(cmd, container.uow(), container.registry, request.app[REGIONS]))


async def enterprise(request: web.Request) -> web.Response:
    cmd = GetEnterprise(rest.actor_id(request), rest.path_id(request, "enterprise_id"))
    return rest.json(await get_enterprise(cmd, rest.container(request).uow()))


async def new_contact(request: web.Request, body: NewContact) -> web.Response:
    cmd = AddEnterpriseContact(
        rest.actor_id(request), rest.path_id(request, "enterprise_id"), body.name, body.position, body.phone
    )
    return rest.json(await add_enterprise_contact(cmd, rest.container(request).uow()), status=201)


_FIELD_ERRORS = (
    "missing_field / field_too_long / credit_code_length / credit_code_character / credit_code_check / "
    "credit_code_region / invalid_region / abolished_region; error.field names the field"
)
_UNAVAILABLE = (
    "registry_unavailable: no registry configured (enter the enterprise by hand), or the registry is down, its "
    "quota spent or our account refused; Retry-After when waiting helps"
)

ROUTES = [
    rest.route(
        "GET",
        "/enterprise-registry",
        registry,
        operation(
            "Whether a business registry is configured; manual entry is always possible",
            ("200", schema_of(RegistryStatus)),
        ),
    ),
    rest.route(
        "GET",
        "/enterprises",
        enterprises,
        operation("Enterprises in the caller's scope", ("200", page_of(EnterpriseView)), paged=True),
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/enterprises",
        new_enterprise,
        operation(
            "An institution member adds an enterprise by its full registered name (business-registry lookup; "
            "confirms an enterprise entered by hand before)",
            ("201", schema_of(EnterpriseAdded)),
            errors={
                "404": "enterprise_not_registered: 未查询到该企业的工商信息 (enter it by hand)",
                "409": "enterprise_exists",
                "503": _UNAVAILABLE,
            },
        ),
        body=form(ENTERPRISE, NamedEnterprise),
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/enterprises/manual",
        entered_enterprise,
        operation(
            "An institution member enters an enterprise by hand; it is 未核验 until a registry confirms it",
            ("201", schema_of(EnterpriseAdded)),
            errors={"422": _FIELD_ERRORS, "409": "enterprise_exists / credit_code_taken (another name has the code)"},
        ),
        body=form(ENTERPRISE_ENTRY, EnteredEnterprise),
    ),
    rest.route(
        "GET",
        "/enterprises/{enterprise_id}",
        enterprise,
        operation(
            "One enterprise with its contacts and verification",
            ("200", schema_of(EnterpriseDetail)),
            errors={"404": "not_found"},
        ),
    ),
    rest.route(
        "PATCH",
        "/enterprises/{enterprise_id}",
        edit_enterprise,
        operation(
            "The institution that entered an unverified enterprise corrects it (only the fields given)",
            ("200", schema_of(EnterpriseUpdated)),
            errors={
                "404": "not_found",
                "403": "not_entering_institution",
                "422": _FIELD_ERRORS,
                "409": "enterprise_verified (a registry confirmed it) / credit_code_taken",
            },
        ),
        body=form(ENTERPRISE_EDIT, EnterpriseChanges),
    ),
    rest.route(
        "POST",
        "/enterprises/{enterprise_id}/verify",
        verify,
        operation(
            "A member of a keeping institution has the business registry confirm the enterprise (已核验)",
            ("200", schema_of(EnterpriseVerified)),
            errors={"404": "not_found / enterprise_not_registered", "409": "credit_code_mismatch", "503": _UNAVAILABLE},
        ),
    ),
    rest.route(
        "POST",
        "/enterprises/{enterprise_id}/contacts",
        new_contact,
        operation(
            "A member of a keeping institution adds a contact (mobile or landline with area code)",
            ("201", schema_of(EnterpriseContactAdded)),
            errors={"404": "not_found", "422": "invalid_phone", "409": "contact_exists"},
        ),
        body=form(ENTERPRISE_CONTACT, NewContact),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
