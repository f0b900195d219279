"""Read-only reference data for pickers: regions (GB/T 2260) and technical fields. Public, no sign-in."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.reference.regions import Region, RegionNotFound, Regions
from handlers.reference.tech_fields import TechField, TechFieldNotFound, TechFields
from miniapp_api import rest
from miniapp_api.schemas import obj, operation

REGIONS = web.AppKey("regions", Regions)
TECH_FIELDS = web.AppKey("tech_fields", TechFields)

# The data only changes with a deploy; let the mini-program and any proxy keep it for a while.
_CACHE_HEADERS = {"Cache-Control": "public, max-age=3600"}


def register(app: web.Application) -> None:
    app[REGIONS] = Regions.load()
    app[TECH_FIELDS] = TechFields.load()
    rest.add_routes(app, ROUTES)


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


def _items(ref: str) -> dict[str, Any]:
    return obj(["items"], items={"type": "array", "items": {"$ref": f"#/components/schemas/{ref}"}})


def _query(name: str, description: str | None = None) -> dict[str, Any]:
    param = {"name": name, "in": "query", "required": False, "schema": {"type": "string"}}
    return {**param, "description": description} if description else param


_UNKNOWN = {"404": "未知的代码"}

ROUTES = [
    rest.route(
        "GET",
        "/regions",
        list_regions,
        operation(
            "Regions (GB/T 2260) for pickers: a region's children, a name search, or the provinces",
            ("200", _items("Region")),
            ok_description="regions",
            errors=_UNKNOWN,
            parameters=[
                _query("parent", "6-digit code; its current children (abolished codes left out)"),
                _query("q", "name search over current regions, best matches first"),
            ],
        ),
        access=rest.Access.PUBLIC,
    ),
    rest.route(
        "GET",
        "/regions/{code}",
        get_region,
        operation(
            "One region, abolished codes included, with its ancestors and current children",
            ("200", {"$ref": "#/components/schemas/RegionDetail"}),
            ok_description="the region",
            errors=_UNKNOWN,
        ),
        access=rest.Access.PUBLIC,
    ),
    rest.route(
        "GET",
        "/tech-fields",
        list_tech_fields,
        operation(
            "Technical fields (高新技术领域 2016): a field's children, or the eight domains",
            ("200", _items("TechField")),
            ok_description="fields",
            errors=_UNKNOWN,
            parameters=[_query("parent")],
        ),
        access=rest.Access.PUBLIC,
    ),
    rest.route(
        "GET",
        "/tech-fields/tree",
        tech_field_tree,
        operation(
            "The whole technical-field taxonomy nested, for a cascading picker",
            ("200", _items("TechFieldNode")),
            ok_description="the tree",
        ),
        access=rest.Access.PUBLIC,
    ),
    rest.route(
        "GET",
        "/tech-fields/{code}",
        get_tech_field,
        operation(
            "One technical field with its path and children",
            ("200", {"$ref": "#/components/schemas/TechFieldDetail"}),
            ok_description="the field",
            errors=_UNKNOWN,
        ),
        access=rest.Access.PUBLIC,
    ),
]
