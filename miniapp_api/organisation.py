"""The organisation pages: institutions (the system admin creates them, their admin edits them) and officials."""

from __future__ import annotations

from aiohttp import web

from handlers.institutions.create_institution import (
    CreateInstitution,
    InstitutionCreated,
    InstitutionType,
    ServiceType,
    create_institution,
)
from handlers.institutions.get_institution import GetInstitution, InstitutionDetail, get_institution
from handlers.institutions.list_institutions import InstitutionSummary, ListInstitutions, list_institutions
from handlers.institutions.update_institution import InstitutionUpdated, UpdateInstitution, update_institution
from handlers.officials.create_official import CreateOfficial, OfficialCreated, create_official
from handlers.officials.list_officials import ListOfficials, OfficialView, list_officials
from miniapp_api import rest
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import STR, obj, operation, page_of, schema_of


async def institutions(request: web.Request) -> web.Response:
    cmd = ListInstitutions(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_institutions(cmd, rest.container(request).uow()))


async def new_institution(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = CreateInstitution(
        actor_id=rest.actor_id(request),
        name=rest.text(body, "name"),
        credit_code=rest.text(body, "credit_code"),
        type=rest.text(body, "type"),
        region_code=rest.text(body, "region_code"),
        admin_name=rest.text(body, "admin_name"),
        admin_mobile=rest.text(body, "admin_mobile"),
        service_types=rest.texts(body, "service_types") or (),
        min_fee_ratio_bp=None if body.get("min_fee_ratio_bp") is None else rest.int32(body, "min_fee_ratio_bp"),
        introduction=rest.text(body, "introduction"),
        head=rest.optional_text(body, "head"),
    )
    container = rest.container(request)
    created = await create_institution(
        cmd,
        container.uow(),
        request.app[REGIONS],
        membership=container.membership_policy,
        fee_floor_bp=container.demand_policy.fee_floor_bp,
    )
    return rest.json(created, status=201)


async def institution(request: web.Request) -> web.Response:
    cmd = GetInstitution(rest.actor_id(request), rest.path_id(request, "institution_id"))
    return rest.json(await get_institution(cmd, rest.container(request).uow()))


async def edit_institution(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = UpdateInstitution(
        actor_id=rest.actor_id(request),
        institution_id=rest.path_id(request, "institution_id"),
        type=rest.optional_text(body, "type"),
        service_types=rest.texts(body, "service_types"),
        min_fee_ratio_bp=None if body.get("min_fee_ratio_bp") is None else rest.int32(body, "min_fee_ratio_bp"),
        introduction=rest.optional_text(body, "introduction"),
        head=rest.optional_text(body, "head"),
    )
    container = rest.container(request)
    return rest.json(await update_institution(cmd, container.uow(), fee_floor_bp=container.demand_policy.fee_floor_bp))


async def officials(request: web.Request) -> web.Response:
    cmd = ListOfficials(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_officials(cmd, rest.container(request).uow()))


async def new_official(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = CreateOfficial(
        rest.actor_id(request), rest.text(body, "name"), rest.text(body, "mobile"), rest.text(body, "region_code")
    )
    container = rest.container(request)
    created = await create_official(cmd, container.uow(), request.app[REGIONS], membership=container.membership_policy)
    return rest.json(created, status=201)


_TYPE = {"type": "string", "enum": [t.value for t in InstitutionType]}
_SERVICES = {"type": "array", "items": {"type": "string", "enum": [t.value for t in ServiceType]}}
_INTRO = {"type": "string", "maxLength": 300}
_MIN_FEE = {
    "type": "integer",
    "maximum": 10000,
    "description": "basis points; not below the platform floor "
    "(setting demands.fee_floor_bp, 500 = 5 %), else 422 min_fee_ratio_below_floor; "
    "absent on creation: the floor",
}
_NEW_INSTITUTION = obj(
    ["name", "credit_code", "type", "region_code", "admin_name", "admin_mobile"],
    name=STR,
    credit_code={"type": "string", "description": "统一社会信用代码 (GB 32100 check character)"},
    type=_TYPE,
    region_code={"type": "string", "pattern": "^[0-9]{6}$"},
    admin_name=STR,
    admin_mobile={"type": "string", "description": "mainland mobile; never a staff member's"},
    service_types=_SERVICES,
    min_fee_ratio_bp=_MIN_FEE,
    introduction=_INTRO,
    head=STR,
)
_EDIT = obj([], type=_TYPE, service_types=_SERVICES, min_fee_ratio_bp=_MIN_FEE, introduction=_INTRO, head=STR)
_BAD = {
    "422": "invalid_credit_code / min_fee_ratio_below_floor / introduction_too_long / invalid_mobile / …",
    "409": "institution_exists / admin_is_staff / admin_taken",
}

ROUTES = [
    rest.Route(
        "GET",
        "/institutions",
        institutions,
        operation("Institutions in the caller's scope", ("200", page_of(InstitutionSummary)), paged=True),
    ),
    rest.Route(
        "POST",
        "/institutions",
        new_institution,
        operation(
            "The system admin creates an institution with its one admin",
            ("201", schema_of(InstitutionCreated)),
            body=_NEW_INSTITUTION,
            errors=_BAD,
        ),
    ),
    rest.Route(
        "GET",
        "/institutions/{institution_id}",
        institution,
        operation(
            "One institution's page",
            ("200", schema_of(InstitutionDetail)),
            errors={"404": "not_found (also outside the caller's scope)"},
        ),
    ),
    rest.Route(
        "PATCH",
        "/institutions/{institution_id}",
        edit_institution,
        operation(
            "The institution admin edits type, services, fee ratio, introduction, head",
            ("200", schema_of(InstitutionUpdated)),
            body=_EDIT,
            errors={"422": "min_fee_ratio_below_floor / introduction_too_long / …"},
        ),
    ),
    rest.Route(
        "GET",
        "/officials",
        officials,
        operation(
            "Officials: all for the system admin, their region's for an official",
            ("200", page_of(OfficialView)),
            paged=True,
        ),
    ),
    rest.Route(
        "POST",
        "/officials",
        new_official,
        operation(
            "The system admin creates an official for a province, city or district",
            ("201", schema_of(OfficialCreated)),
            body=obj(["name", "mobile", "region_code"], name=STR, mobile=STR, region_code=STR),
            errors={"422": "invalid_mobile / invalid_region", "409": "official_exists"},
        ),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
