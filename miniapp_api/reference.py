"""Read-only reference data for pickers: regions (GB/T 2260) and technical fields. Public, no sign-in."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.reference.regions import Region, RegionNotFound, Regions
from handlers.reference.tech_fields import TechField, TechFieldNotFound, TechFields

REGIONS = web.AppKey("regions", Regions)
TECH_FIELDS = web.AppKey("tech_fields", TechFields)

# The data only changes with a deploy; let the mini-program and any proxy keep it for a while.
_CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


def register(app: web.Application) -> None:
    app[REGIONS] = Regions.load()
    app[TECH_FIELDS] = TechFields.load()
    app.router.add_get("/regions", list_regions)
    app.router.add_get("/regions/{code}", get_region)
    app.router.add_get("/tech-fields", list_tech_fields)
    app.router.add_get("/tech-fields/tree", tech_field_tree)
    app.router.add_get("/tech-fields/{code}", get_tech_field)


def _region_body(regions: Regions, region: Region) -> dict[str, Any]:
    return {
        "code": region.code,
        "name": region.name,
        "full_name": regions.full_name(region.code),
        "level": region.level.value,
        "parent": region.parent,
        "abolished": region.abolished,
        "successors": list(region.successors),
        "has_children": bool(regions.children(region.code)),
    }


def _field_body(fields: TechFields, field: TechField) -> dict[str, Any]:
    return {
        "code": field.code,
        "name": field.name,
        "level": field.level,
        "parent": field.parent,
        "path": fields.path(field.code),
        "has_children": bool(fields.children(field.code)),
    }


def _json(body: Any) -> web.Response:
    return web.json_response(body, headers=_CACHE_HEADERS)


async def list_regions(request: web.Request) -> web.Response:
    """?parent=330100 → its current children; ?q=钱塘 → a name search; neither → the provincial-level units."""
    regions = request.app[REGIONS]
    if "q" in request.query:
        found = regions.search(request.query["q"])
    else:
        parent = request.query.get("parent")
        if parent is not None and regions.find(parent) is None:
            raise RegionNotFound()
        found = list(regions.children(parent))
    return _json({"items": [_region_body(regions, region) for region in found]})


async def get_region(request: web.Request) -> web.Response:
    regions = request.app[REGIONS]
    region = regions.find(request.match_info["code"])
    if region is None:
        raise RegionNotFound()
    body = _region_body(regions, region)
    body["ancestors"] = [{"code": r.code, "name": r.name} for r in regions.ancestors(region.code)[:-1]]
    body["children"] = [_region_body(regions, child) for child in regions.children(region.code)]
    return _json(body)


async def list_tech_fields(request: web.Request) -> web.Response:
    """?parent=01 → its children; without it → the eight domains."""
    fields = request.app[TECH_FIELDS]
    parent = request.query.get("parent")
    if parent is not None and fields.find(parent) is None:
        raise TechFieldNotFound()
    return _json({"items": [_field_body(fields, field) for field in fields.children(parent)]})


async def tech_field_tree(request: web.Request) -> web.Response:
    """The whole taxonomy nested, for a cascading picker (314 nodes)."""
    return _json({"items": request.app[TECH_FIELDS].tree()})


async def get_tech_field(request: web.Request) -> web.Response:
    fields = request.app[TECH_FIELDS]
    field = fields.find(request.match_info["code"])
    if field is None:
        raise TechFieldNotFound()
    body = _field_body(fields, field)
    body["children"] = [_field_body(fields, child) for child in fields.children(field.code)]
    return _json(body)
