"""The organisation pages: institutions (the system admin creates them, their admin edits them) and officials."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from aiohttp import web

from handlers.institutions.create_institution import (
    CreateInstitution,
    InstitutionCreated,
    create_institution,
)
from handlers.institutions.form import INSTITUTION, INSTITUTION_EDIT
from handlers.institutions.get_institution import GetInstitution, InstitutionDetail, get_institution
from handlers.institutions.list_institutions import InstitutionSummary, ListInstitutions, list_institutions
from handlers.institutions.update_institution import InstitutionUpdated, UpdateInstitution, update_institution
from handlers.officials.create_official import CreateOfficial, OfficialCreated, create_official
from handlers.officials.list_officials import ListOfficials, OfficialView, list_officials
from miniapp_api import rest
from miniapp_api.body import Text, fields, form
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import operation, page_of, schema_of


async def institutions(request: web.Request) -> web.Response:
    cmd = ListInstitutions(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_institutions(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewInstitution:
    """The institution form (handlers.institutions.form)."""

    name: str
    credit_code: str
    type: str
    region_code: str
    admin_name: str
    admin_mobile: str
    service_types: tuple[str, ...]
    min_fee_ratio_bp: int | None
    introduction: str
    head: str | None


async def new_institution(request: web.Request, body: NewInstitution) -> web.Response:
    cmd = CreateInstitution(
        actor_id=rest.actor_id(request),
        name=body.name,
        credit_code=body.credit_code,
        type=body.type,
        region_code=body.region_code,
        admin_name=body.admin_name,
        admin_mobile=body.admin_mobile,
        service_types=body.service_types,
        min_fee_ratio_bp=body.min_fee_ratio_bp,
        introduction=body.introduction,
        head=body.head,
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


@dataclass(frozen=True)
class InstitutionChanges:
    """The institution_edit form (handlers.institutions.form): only what is sent changes."""

    type: str | None
    service_types: tuple[str, ...] | None
    min_fee_ratio_bp: int | None
    introduction: str | None
    head: str | None


async def edit_institution(request: web.Request, body: InstitutionChanges) -> web.Response:
    cmd = UpdateInstitution(
        actor_id=rest.actor_id(request),
        institution_id=rest.path_id(request, "institution_id"),
        type=body.type,
        service_types=body.service_types,
        min_fee_ratio_bp=body.min_fee_ratio_bp,
        introduction=body.introduction,
        head=body.head,
    )
    container = rest.container(request)
    return rest.json(await update_institution(cmd, container.uow(), fee_floor_bp=container.demand_policy.fee_floor_bp))


async def officials(request: web.Request) -> web.Response:
    cmd = ListOfficials(rest.actor_id(request), rest.page_request(request))
    return rest.page_json(await list_officials(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewOfficial:
    name: Annotated[str, Text(required=True)]
    mobile: Annotated[str, Text(required=True)]
    region_code: Annotated[str, Text(required=True)]


async def new_official(request: web.Request, body: NewOfficial) -> web.Response:
    cmd = CreateOfficial(rest.actor_id(request), body.name, body.mobile, body.region_code)
    container = rest.container(request)
    created = await create_official(cmd, container.uow(), request.app[REGIONS], membership=container.membership_policy)
    return rest.json(created, status=201)


_BAD = {
    "422": "invalid_credit_code / min_fee_ratio_below_floor / introduction_too_long / invalid_mobile / …",
    "409": "institution_exists / admin_is_staff / admin_taken",
}

ROUTES = [
    rest.route(
        "GET",
        "/institutions",
        institutions,
        operation("Institutions in the caller's scope", ("200", page_of(InstitutionSummary)), paged=True),
    ),
    rest.route(
        "POST",
        "/institutions",
        new_institution,
        operation(
            "The system admin creates an institution with its one admin",
            ("201", schema_of(InstitutionCreated)),
            errors=_BAD,
        ),
        body=form(INSTITUTION, NewInstitution),
    ),
    rest.route(
        "GET",
        "/institutions/{institution_id}",
        institution,
        operation(
            "One institution's page",
            ("200", schema_of(InstitutionDetail)),
            errors={"404": "not_found (also outside the caller's scope)"},
        ),
    ),
    rest.route(
        "PATCH",
        "/institutions/{institution_id}",
        edit_institution,
        operation(
            "The institution admin edits type, services, fee ratio, introduction, head",
            ("200", schema_of(InstitutionUpdated)),
            errors={"422": "min_fee_ratio_below_floor / introduction_too_long / …"},
        ),
        body=form(INSTITUTION_EDIT, InstitutionChanges),
    ),
    rest.route(
        "GET",
        "/officials",
        officials,
        operation(
            "Officials: all for the system admin, their region's for an official",
            ("200", page_of(OfficialView)),
            paged=True,
        ),
    ),
    rest.route(
        "POST",
        "/officials",
        new_official,
        operation(
            "The system admin creates an official for a province, city or district",
            ("201", schema_of(OfficialCreated)),
            errors={"422": "invalid_mobile / invalid_region", "409": "official_exists"},
        ),
        body=fields(NewOfficial),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
