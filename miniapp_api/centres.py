"""The centres page: centres in scope; the institution admin adds one and edits it."""

from __future__ import annotations

from dataclasses import dataclass

from aiohttp import web

from handlers.institutions.create_centre import CentreCreated, CreateCentre, create_centre
from handlers.institutions.form import CENTRE, CENTRE_EDIT
from handlers.institutions.get_centre import CentreDetail, GetCentre, get_centre
from handlers.institutions.list_centres import CentreView, ListCentres, list_centres
from handlers.institutions.update_centre import CentreUpdated, UpdateCentre, update_centre
from miniapp_api import rest
from miniapp_api.body import form
from miniapp_api.reference import REGIONS
from miniapp_api.schemas import operation, page_of, schema_of


async def centres(request: web.Request) -> web.Response:
    cmd = ListCentres(rest.actor_id(request), rest.page_request(request), rest.query_id(request, "institution_id"))
    return rest.page_json(await list_centres(cmd, rest.container(request).uow()))


@dataclass(frozen=True)
class NewCentre:
    """The centre form (handlers.institutions.form)."""

    name: str
    region_code: str


async def new_centre(request: web.Request, body: NewCentre) -> web.Response:
    cmd = CreateCentre(rest.actor_id(request), rest.path_id(request, "institution_id"), body.name, body.region_code)
    return rest.json(await create_centre(cmd, rest.container(request).uow(), request.app[REGIONS]), status=201)


async def centre(request: web.Request) -> web.Response:
    cmd = GetCentre(rest.actor_id(request), rest.path_id(request, "centre_id"))
    return rest.json(await get_centre(cmd, rest.container(request).uow()))


async def edit_centre(request: web.Request, body: NewCentre) -> web.Response:
    cmd = UpdateCentre(rest.actor_id(request), rest.path_id(request, "centre_id"), body.name, body.region_code)
    return rest.json(await update_centre(cmd, rest.container(request).uow(), request.app[REGIONS]))


ROUTES = [
    rest.route(
        "GET",
        "/centres",
        centres,
        operation(
            "Centres in the caller's scope, optionally of one institution",
            ("200", page_of(CentreView)),
            paged=True,
            filters={"institution_id": "only this institution's centres"},
        ),
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/centres",
        new_centre,
        operation(
            "The institution admin sets up a local centre",
            ("201", schema_of(CentreCreated)),
            errors={"422": "missing_field / invalid_region", "409": "centre_exists"},
        ),
        body=form(CENTRE, NewCentre),
    ),
    rest.route(
        "GET",
        "/centres/{centre_id}",
        centre,
        operation("One centre with its admins", ("200", schema_of(CentreDetail)), errors={"404": "not_found"}),
    ),
    rest.route(
        "PATCH",
        "/centres/{centre_id}",
        edit_centre,
        operation(
            "The institution admin renames a centre or corrects its region (the centre_edit form)",
            ("200", schema_of(CentreUpdated)),
            errors={"404": "not_found", "422": "missing_field / invalid_region", "409": "centre_exists"},
        ),
        body=form(CENTRE_EDIT, NewCentre),
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
