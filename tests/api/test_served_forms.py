"""Every declared form is served to the pages in the contract's shape (FORMS_CONTRACT.md), and goes to a
declared route whose request body is the form's schema."""

from __future__ import annotations

from typing import Any

from aiohttp.test_utils import TestClient

from handlers.forms.registry import FORMS
from handlers.forms.served import json_schema
from miniapp_api.app import AREAS
from tests.api.conftest import World, bearer
from tests.organisation.conftest import Org

FIELD_KEYS = {
    "name", "type", "label", "help", "required", "min_length", "max_length", "minimum", "maximum", "unit", "scale",
    "max_items", "min_items", "choices", "choices_source", "file", "upload", "section", "when", "fields",
}  # fmt: skip


def _field_problems(field: dict[str, Any]) -> list[str]:
    problems = [] if set(field) == FIELD_KEYS else [f"{field.get('name')}: keys {sorted(set(field) ^ FIELD_KEYS)}"]
    if not any("\u4e00" <= ch <= "\u9fff" for ch in field["label"]):
        problems.append(f"{field['name']}: label not Chinese")
    for sub in field["fields"] or []:
        problems += _field_problems(sub)
    return problems


async def test_every_form_is_served_and_submits_to_a_declared_route(api: TestClient[Any, Any], org: Org) -> None:
    world = World(org)
    signed_in = bearer(await world.token(org.admin_id))
    routes = {(r.method, f"/api/v1{r.path}"): r for area in AREAS for r in area}
    assert FORMS
    for name, declared in FORMS.items():
        response = await api.get(f"/api/v1/forms/{name}", headers=signed_in)
        assert response.status == 200, name
        served = await response.json()
        assert served["name"] == name and served["title"] == declared.title
        assert len(served["version"]) == 64
        assert [f["name"] for f in served["fields"]] == [f.name for f in declared.fields]
        assert [p for f in served["fields"] for p in _field_problems(f)] == [], name
        route = routes.get((served["submit"]["method"], served["submit"]["path"]))
        assert route is not None, (name, served["submit"])
        assert route.body is not None
        body_schema = route.body.openapi()["content"]["application/json"]["schema"]
        assert body_schema == json_schema(declared), name
        served_schema = {k: v for k, v in served["json_schema"].items() if k != "$schema"}
        assert served_schema == body_schema, name

    unknown = await api.get("/api/v1/forms/nothing", headers=signed_in)
    assert unknown.status == 404
    assert (await unknown.json())["error"]["code"] == "form_not_found"
    assert (await api.get("/api/v1/forms/demand")).status == 401  # for a signed-in caller only
