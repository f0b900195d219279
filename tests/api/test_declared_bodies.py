"""A request body is declared once: the same declaration refuses bad input over HTTP and is the OpenAPI
requestBody, so changing a limit changes both. Any `Body` (a declared form later) plugs into a route alike."""

from __future__ import annotations

import dataclasses
from typing import Annotated, Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from handlers.errors import InvalidInput
from miniapp_api import rest
from miniapp_api.app import AREAS, OPENAPI
from miniapp_api.body import Fields, Integer, JsonBody, Text, fields
from miniapp_api.errors import error_middleware
from miniapp_api.schemas import operation


def _quota(limit: int) -> type[Any]:
    """The same declaration with a different limit (as an edit of the source would make it)."""
    return dataclasses.make_dataclass(
        "Quota",
        [("name", Annotated[str, Text(required=True)]), ("count", Annotated[int, Integer(limit=limit)])],
        frozen=True,
    )


async def _echo(_request: web.Request, body: Any) -> web.Response:
    return web.json_response(dataclasses.asdict(body))


def _app(route: rest.Route) -> web.Application:
    app = web.Application(middlewares=[error_middleware])
    rest.add_routes(app, [route])
    return app


@pytest.mark.parametrize("limit", [10, 1000])
async def test_one_declaration_drives_validation_and_the_document(limit: int) -> None:
    route = rest.route(
        "POST",
        "/quotas",
        _echo,
        operation("A quota", ("200", None)),
        body=fields(_quota(limit)),
        access=rest.Access.PUBLIC,
    )

    schema = rest.paths([route])["/quotas"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["name"]
    assert schema["properties"]["count"] == {"type": "integer", "minimum": -limit, "maximum": limit}

    async with TestClient(TestServer(_app(route))) as client:
        at_limit = await client.post("/quotas", json={"name": "甲", "count": limit})
        assert at_limit.status == 200
        assert await at_limit.json() == {"name": "甲", "count": limit}

        beyond = await client.post("/quotas", json={"name": "甲", "count": limit + 1})
        assert beyond.status == 422
        assert await beyond.json() == {"error": {"code": "invalid_field", "message": "字段 count 的格式有误"}}

        # Missing reads as the default (the use case decides what is required); a wrong type is refused by name.
        assert await (await client.post("/quotas", json={"name": "乙"})).json() == {"name": "乙", "count": 0}
        wrong = await client.post("/quotas", json={"name": 3})
        assert await wrong.json() == {"error": {"code": "invalid_field", "message": "字段 name 的格式有误"}}

        not_json = await client.post("/quotas", data=b"{", headers={"Content-Type": "application/json"})
        assert not_json.status == 422
        assert (await not_json.json())["error"]["code"] == "invalid_json"


@dataclasses.dataclass(frozen=True)
class Colour:
    """A body that is not a dataclass of fields, as a declared form will be: parse and schema, nothing else."""

    CHOICES = ("red", "green")

    def parse(self, raw: dict[str, Any]) -> str:
        value = raw.get("colour")
        if value not in self.CHOICES:
            raise InvalidInput("请选择颜色", code="invalid_colour", field="colour")
        return str(value)

    def schema(self) -> dict[str, Any]:
        return {"type": "object", "required": ["colour"], "properties": {"colour": {"enum": list(self.CHOICES)}}}


async def _colour(_request: web.Request, colour: str) -> web.Response:
    return web.json_response({"colour": colour})


async def test_any_body_plugs_into_a_route() -> None:
    route = rest.route("PUT", "/colour", _colour, operation("A colour", ("200", None)), body=JsonBody(Colour()))

    assert route.operation()["requestBody"]["content"]["application/json"]["schema"] == Colour().schema()
    async with TestClient(TestServer(_app(route))) as client:
        assert await (await client.put("/colour", json={"colour": "red"})).json() == {"colour": "red"}
        refused = await client.put("/colour", json={"colour": "blue"})
        assert refused.status == 422
        assert await refused.json() == {"error": {"code": "invalid_colour", "message": "请选择颜色", "field": "colour"}}


def test_every_documented_body_is_its_routes_declaration() -> None:
    """No route documents a body it does not read, nor reads one it does not document: the document's
    requestBody is the declaration's, for every route under /api/v1."""
    routes = [r for area in AREAS for r in area]
    assert len({(r.method, r.path) for r in routes}) == len(routes)
    for r in routes:
        documented = OPENAPI["paths"][r.path][r.method.lower()]  # type: ignore[index]
        assert documented.get("requestBody") == (r.body.openapi() if r.body is not None else None), r.path
        assert (documented.get("security") == []) == (r.access is rest.Access.PUBLIC), r.path


def test_a_declared_body_lists_its_fields_in_order() -> None:
    @dataclasses.dataclass(frozen=True)
    class Pair:
        first: Annotated[str, Text(required=True)]
        second: Annotated[int, Integer()]

    assert list(Fields(Pair).schema()["properties"]) == ["first", "second"]
    # The first wrong field in declaration order is the one named.
    with pytest.raises(InvalidInput, match="字段 first"):
        Fields(Pair).parse({"first": 1, "second": "x"})


async def test_a_get_route_answers_head_without_a_body() -> None:
    async def hello(_request: web.Request) -> web.Response:
        return web.json_response({"名称": "科转"})

    route = rest.route(
        "GET", "/hello", hello, operation("hello", ("200", {"type": "object"})), access=rest.Access.PUBLIC
    )
    async with TestClient(TestServer(_app(route))) as client:
        got, head = await client.get("/hello"), await client.head("/hello")
        assert got.status == head.status == 200
        assert await head.read() == b"" and head.headers["Content-Type"] == got.headers["Content-Type"]
        assert (await client.post("/hello")).status == 405
