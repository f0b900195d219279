"""The enterprises pages: the list in scope, one enterprise with contacts; members add both (seed 004 §七).

An enterprise is added by a business-registry lookup when a registry is configured (GET /enterprise-registry
says whether), or entered by hand (未核验) at any time; its institution corrects a hand entry until a registry
confirms it (POST …/verify).
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.enterprises.add_enterprise import AddEnterprise, EnterpriseAdded, add_enterprise
from handlers.enterprises.add_enterprise_contact import (
    AddEnterpriseContact,
    EnterpriseContactAdded,
    add_enterprise_contact,
)
from handlers.enterprises.enter_enterprise import EnterEnterprise, enter_enterprise
from handlers.enterprises.enterprise_registry import RegistryStatus, registry_status
from handlers.enterprises.get_enterprise import EnterpriseDetail, GetEnterprise, get_enterprise
from handlers.enterprises.list_enterprises import EnterpriseView, ListEnterprises, list_enterprises
from handlers.enterprises.update_enterprise import EnterpriseUpdated, UpdateEnterprise, update_enterprise
from handlers.enterprises.verify_enterprise import EnterpriseVerified, VerifyEnterprise, verify_enterprise
from miniapp_api import rest
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import STR, obj, operation, page_of, schema_of


async def registry(request: web.Request) -> web.Response:
    return rest.json(registry_status(rest.container(request).registry))


async def enterprises(request: web.Request) -> web.Response:
    cmd = ListEnterprises(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_enterprises(cmd, rest.container(request).uow()))


async def new_enterprise(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddEnterprise(rest.actor_id(request), rest.path_id(request, "institution_id"), rest.text(body, "full_name"))
    container = rest.container(request)
    added = await add_enterprise(cmd, container.uow(), container.registry, request.app[REGIONS])
    return rest.json(added, status=201)


async def entered_enterprise(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = EnterEnterprise(
        rest.actor_id(request),
        rest.path_id(request, "institution_id"),
        rest.text(body, "full_name"),
        rest.text(body, "credit_code"),
        rest.text(body, "region_code"),
        rest.text(body, "address"),
        rest.text(body, "legal_representative"),
    )
    added = await enter_enterprise(cmd, rest.container(request).uow(), request.app[REGIONS])
    return rest.json(added, status=201)


async def edit_enterprise(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = UpdateEnterprise(
        rest.actor_id(request),
        rest.path_id(request, "enterprise_id"),
        **{name: rest.optional_text(body, name) for name in _EDITABLE},
    )
    return rest.json(await update_enterprise(cmd, rest.container(request).uow(), request.app[REGIONS]))


async def verify(request: web.Request) -> web.Response:
    cmd = VerifyEnterprise(rest.actor_id(request), rest.path_id(request, "enterprise_id"))
    container = rest.container(request)
    return rest.json(await verify_enterprise(cmd, container.uow(), container.registry, request.app[REGIONS]))


async def enterprise(request: web.Request) -> web.Response:
    cmd = GetEnterprise(rest.actor_id(request), rest.path_id(request, "enterprise_id"))
    return rest.json(await get_enterprise(cmd, rest.container(request).uow()))


async def new_contact(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = AddEnterpriseContact(
        rest.actor_id(request),
        rest.path_id(request, "enterprise_id"),
        rest.text(body, "name"),
        rest.text(body, "position"),
        rest.text(body, "phone"),
    )
    return rest.json(await add_enterprise_contact(cmd, rest.container(request).uow()), status=201)


_EDITABLE = ("full_name", "credit_code", "region_code", "address", "legal_representative")
_FIELDS: dict[str, dict[str, Any]] = {
    "full_name": {"type": "string", "maxLength": 128, "description": "企业全称"},
    "credit_code": {
        "type": "string",
        "description": "统一社会信用代码: 18 characters, GB 32100 check character, characters 3–8 a GB/T 2260 region",
    },
    "region_code": {"type": "string", "pattern": "^[0-9]{6}$", "description": "the enterprise's region (GB/T 2260)"},
    "address": {"type": "string", "maxLength": 255, "description": "企业地址"},
    "legal_representative": {"type": "string", "maxLength": 64, "description": "法定代表人"},
}
_FIELD_ERRORS = (
    "missing_field / field_too_long / credit_code_length / credit_code_character / credit_code_check / "
    "credit_code_region / invalid_region / abolished_region; error.field names the field"
)
_UNAVAILABLE = (
    "registry_unavailable: no registry configured (enter the enterprise by hand), or the registry is down, its "
    "quota spent or our account refused; Retry-After when waiting helps"
)

ROUTES = [
    rest.Route(
        "GET",
        "/enterprise-registry",
        registry,
        operation(
            "Whether a business registry is configured; manual entry is always possible",
            ("200", schema_of(RegistryStatus)),
        ),
    ),
    rest.Route(
        "GET",
        "/enterprises",
        enterprises,
        operation("Enterprises in the caller's scope", ("200", page_of(EnterpriseView)), paged=True),
    ),
    rest.Route(
        "POST",
        "/institutions/{institution_id}/enterprises",
        new_enterprise,
        operation(
            "An institution member adds an enterprise by its full registered name (business-registry lookup; "
            "confirms an enterprise entered by hand before)",
            ("201", schema_of(EnterpriseAdded)),
            body=obj(["full_name"], full_name=STR),
            errors={
                "404": "enterprise_not_registered: 未查询到该企业的工商信息 (enter it by hand)",
                "409": "enterprise_exists",
                "503": _UNAVAILABLE,
            },
        ),
    ),
    rest.Route(
        "POST",
        "/institutions/{institution_id}/enterprises/manual",
        entered_enterprise,
        operation(
            "An institution member enters an enterprise by hand; it is 未核验 until a registry confirms it",
            ("201", schema_of(EnterpriseAdded)),
            body=obj(list(_EDITABLE), **_FIELDS),
            errors={"422": _FIELD_ERRORS, "409": "enterprise_exists / credit_code_taken (another name has the code)"},
        ),
    ),
    rest.Route(
        "GET",
        "/enterprises/{enterprise_id}",
        enterprise,
        operation(
            "One enterprise with its contacts and verification",
            ("200", schema_of(EnterpriseDetail)),
            errors={"404": "not_found"},
        ),
    ),
    rest.Route(
        "PATCH",
        "/enterprises/{enterprise_id}",
        edit_enterprise,
        operation(
            "The institution that entered an unverified enterprise corrects it (only the fields given)",
            ("200", schema_of(EnterpriseUpdated)),
            body=obj([], **_FIELDS),
            errors={
                "404": "not_found",
                "403": "not_entering_institution",
                "422": _FIELD_ERRORS,
                "409": "enterprise_verified (a registry confirmed it) / credit_code_taken",
            },
        ),
    ),
    rest.Route(
        "POST",
        "/enterprises/{enterprise_id}/verify",
        verify,
        operation(
            "A member of a keeping institution has the business registry confirm the enterprise (已核验)",
            ("200", schema_of(EnterpriseVerified)),
            errors={"404": "not_found / enterprise_not_registered", "409": "credit_code_mismatch", "503": _UNAVAILABLE},
        ),
    ),
    rest.Route(
        "POST",
        "/enterprises/{enterprise_id}/contacts",
        new_contact,
        operation(
            "A member of a keeping institution adds a contact (mobile or landline with area code)",
            ("201", schema_of(EnterpriseContactAdded)),
            body=obj(["name", "position", "phone"], name=STR, position=STR, phone=STR),
            errors={"404": "not_found", "422": "invalid_phone", "409": "contact_exists"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
