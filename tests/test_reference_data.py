"""Reference data: GB/T 2260 regions (the 2021 Hangzhou codes, withdrawn codes, prefix scoping) and the
technical-field taxonomy."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from aiohttp.web import Application, Request

from handlers.errors import InvalidInput
from handlers.reference.ports import RegionDirectory, TechFieldTaxonomy
from handlers.reference.regions import RegionLevel, Regions
from handlers.reference.tech_fields import TechFields
from miniapp_api.app import create_api_app


@pytest.fixture(scope="module")
def regions() -> Regions:
    return Regions.load()


@pytest.fixture(scope="module")
def fields() -> TechFields:
    return TechFields.load()


# --- regions ----------------------------------------------------------------------------------


def test_the_2021_hangzhou_districts_exist_under_hangzhou(regions: Regions) -> None:
    assert regions.name_of("330114") == "钱塘区"
    assert regions.name_of("330113") == "临平区"
    assert regions.full_name("330114") == "浙江省杭州市钱塘区"
    for code in ("330114", "330113"):
        assert regions.level(code) is RegionLevel.DISTRICT
        parent = regions.parent(code)
        assert parent is not None and parent.code == "330100" and parent.name == "杭州市"
        assert not regions.is_abolished(code)
    assert regions.level("330100") is RegionLevel.CITY
    assert regions.level("330000") is RegionLevel.PROVINCE
    assert regions.parent("330000") is None
    assert not regions.is_abolished("330110")  # 余杭区 kept its code when 临平区 was split off


def test_withdrawn_codes_still_resolve_but_leave_pickers(regions: Regions) -> None:
    for code, name in (("330104", "江干区"), ("330103", "下城区")):
        assert regions.exists(code)
        assert regions.name_of(code) == name
        assert regions.is_abolished(code)
        assert regions.get(code).abolished == 2021
        assert regions.within(code, "330100")
    assert regions.get("330103").successors == ("330105",)
    current = [r.code for r in regions.children("330100")]
    assert "330114" in current and "330113" in current
    assert "330104" not in current and "330103" not in current
    assert "330104" in [r.code for r in regions.children("330100", include_abolished=True)]
    assert all(not r.abolished for r in regions.search("江干"))


def test_scope_covers_itself_and_below_never_its_parents(regions: Regions) -> None:
    assert regions.within("330114", "330114")
    assert regions.within("330114", "330100")
    assert regions.within("330114", "330000")
    assert regions.within("330100", "330000")
    assert not regions.within("330100", "330114")  # a district scope grants nothing on its city
    assert not regions.within("330000", "330100")  # nor a city scope on its province
    assert not regions.within("330106", "330114")  # nor on a sibling
    assert not regions.within("330206", "330100")  # 宁波 is not 杭州
    assert not regions.within("320114", "330000")


def test_municipalities_scope_through_their_placeholder_city(regions: Regions) -> None:
    assert regions.full_name("110105") == "北京市朝阳区"
    assert regions.parent("110105") == regions.get("110100")
    assert regions.level("110100") is RegionLevel.CITY
    assert regions.within("110105", "110000")
    assert regions.within("110105", "110100")
    assert regions.within("110100", "110000")
    assert not regions.within("110000", "110100")
    assert not regions.within("110100", "110105")
    assert not regions.within("120101", "110000")  # 天津 is not 北京
    # 重庆 has two: 市辖区 500100 and 县 500200.
    assert regions.within("500229", "500200") and not regions.within("500229", "500100")
    assert regions.full_name("500229") == "重庆市城口县"
    # Directly administered county-level units sit under xx9000.
    assert regions.full_name("419001") == "河南省济源市"
    assert regions.within("419001", "410000") and not regions.within("419001", "410100")


def test_scope_prefixes_for_list_queries(regions: Regions) -> None:
    assert regions.scope_prefix("330000") == "33"
    assert regions.scope_prefix("330100") == "3301"
    assert regions.scope_prefix("330114") == "330114"
    assert regions.scope_prefix("110100") == "1101"
    assert regions.scope_prefix("419000") == "4190"


def test_every_withdrawn_code_points_at_current_successors(regions: Regions) -> None:
    withdrawn = [r for r in regions if r.abolished is not None]
    assert len(withdrawn) >= 2
    for region in withdrawn:
        assert region.successors, region.code
        for successor in region.successors:
            assert not regions.is_abolished(successor)
            # Same level, same province; usually the same city (莱芜's districts moved to 济南 in 2019).
            assert regions.level(successor) == region.level and successor[:2] == region.code[:2]


def test_bad_codes_are_typed_input_errors(regions: Regions) -> None:
    for bad in ("33011", "3301140", "33O114", "", "999999", "３３０１１４"):
        assert not regions.exists(bad)
        with pytest.raises(InvalidInput) as caught:
            regions.name_of(bad)
        assert caught.value.message == "行政区划代码无效"
    with pytest.raises(InvalidInput):
        regions.within("330114", "999999")
    assert regions.find(330114) is None


def test_search_finds_current_regions_best_first(regions: Regions) -> None:
    found = regions.search("钱塘")
    assert [r.code for r in found] == ["330114"]
    chaoyang = regions.search("朝阳区")
    assert {"110105", "220104"} <= {r.code for r in chaoyang}
    assert all(r.name == "朝阳区" for r in chaoyang[:2])
    assert regions.search("杭州市钱塘")[0].code == "330114"  # full names match too
    assert regions.search("  ") == []
    assert len(regions.search("区", limit=5)) == 5


def test_region_data_counts(regions: Regions) -> None:
    provinces = regions.children()
    assert len(provinces) == 34
    assert {"710000", "810000", "820000"} <= {p.code for p in provinces}
    by_level = dict.fromkeys(RegionLevel, 0)
    for region in regions:
        by_level[region.level] += 1
        assert len(region.code) == 6
    assert by_level[RegionLevel.CITY] >= 330
    assert by_level[RegionLevel.DISTRICT] >= 2800
    # No statistics-only development zones (xx71–xx80) and no 市辖区 rows at county level.
    assert not regions.exists("130171")
    assert not regions.exists("330101")


def test_regions_serve_as_the_directory_port(regions: Regions) -> None:
    directory: RegionDirectory = regions
    assert directory.exists("330114") and directory.name_of("330114") == "钱塘区"
    assert directory.within("330114", "330100")


# --- technical fields -------------------------------------------------------------------------


def test_taxonomy_shape_and_paths(fields: TechFields) -> None:
    assert len(fields) == 314
    assert [f.code for f in fields.roots()] == [f"0{n}" for n in range(1, 9)]
    assert fields.name_of("010101") == "基础软件"
    assert fields.path("010101") == "电子信息 › 软件 › 基础软件"
    assert fields.path("01") == "电子信息"
    assert [f.code for f in fields.children("0101")][:2] == ["010101", "010102"]
    assert fields.children("0504") == ()  # a field with no items is a final choice
    tree = fields.tree()
    assert len(tree) == 8 and tree[0]["children"][0]["children"][0]["name"] == "基础软件"


def test_descendants_and_subscription_matching(fields: TechFields) -> None:
    below = [f.code for f in fields.descendants("01")]
    assert len(below) == 8 + 62
    assert "0101" in below and "010101" in below and "01" not in below
    assert below == sorted(below)
    assert fields.descendants("010101") == ()
    assert fields.matches("01", "010101")
    assert fields.matches("0101", "010101")
    assert fields.matches("010101", "010101")
    assert not fields.matches("010101", "0101")  # a narrow subscription does not cover its parent
    assert not fields.matches("02", "010101")
    assert not fields.matches("0102", "010101")


def test_bad_field_codes_are_typed_input_errors(fields: TechFields) -> None:
    for bad in ("1", "010", "0109", "09", "01010101", "ab"):
        assert not fields.exists(bad)
        with pytest.raises(InvalidInput) as caught:
            fields.path(bad)
        assert caught.value.message == "技术领域代码无效"
    taxonomy: TechFieldTaxonomy = fields
    assert taxonomy.exists("0101")


# --- REST -------------------------------------------------------------------------------------


@pytest.fixture
async def api() -> AsyncIterator[TestClient[Request, Application]]:
    root = web.Application()
    root.add_subapp("/api/v1/", create_api_app())  # mounted as bot/web.py mounts it
    async with TestClient(TestServer(root)) as client:
        yield client


async def test_regions_rest_lists_children_and_provinces(api: TestClient[Request, Application]) -> None:
    response = await api.get("/api/v1/regions", params={"parent": "330100"})
    assert response.status == 200
    assert response.headers["Cache-Control"].startswith("public")
    items = (await response.json())["items"]
    by_code = {item["code"]: item for item in items}
    assert by_code["330114"] == {
        "code": "330114",
        "name": "钱塘区",
        "full_name": "浙江省杭州市钱塘区",
        "level": "district",
        "parent": "330100",
        "abolished": None,
        "successors": [],
        "has_children": False,
    }
    assert "330104" not in by_code
    provinces = (await (await api.get("/api/v1/regions")).json())["items"]
    assert len(provinces) == 34 and provinces[0]["code"] == "110000" and provinces[0]["has_children"]
    found = (await (await api.get("/api/v1/regions", params={"q": "临平"})).json())["items"]
    assert [item["code"] for item in found] == ["330113"]


async def test_region_rest_detail_and_withdrawn_code(api: TestClient[Request, Application]) -> None:
    body = await (await api.get("/api/v1/regions/330104")).json()
    assert body["name"] == "江干区" and body["abolished"] == 2021 and body["successors"] == ["330102", "330114"]
    assert body["ancestors"] == [{"code": "330000", "name": "浙江省"}, {"code": "330100", "name": "杭州市"}]
    city = await (await api.get("/api/v1/regions/110100")).json()
    assert city["full_name"] == "北京市市辖区" and any(c["code"] == "110105" for c in city["children"])


async def test_tech_fields_rest(api: TestClient[Request, Application]) -> None:
    roots = (await (await api.get("/api/v1/tech-fields")).json())["items"]
    assert [item["name"] for item in roots][:2] == ["电子信息", "生物与新医药"]
    children = (await (await api.get("/api/v1/tech-fields", params={"parent": "01"})).json())["items"]
    assert children[0] == {
        "code": "0101",
        "name": "软件",
        "level": 2,
        "parent": "01",
        "path": "电子信息 › 软件",
        "has_children": True,
    }
    item = await (await api.get("/api/v1/tech-fields/010101")).json()
    assert item["path"] == "电子信息 › 软件 › 基础软件" and item["children"] == []
    tree = (await (await api.get("/api/v1/tech-fields/tree")).json())["items"]
    assert len(tree) == 8 and tree[4]["children"][3] == {"code": "0504", "name": "高技术专业化服务", "children": []}


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/regions/999999",
        "/api/v1/regions/33011x",
        "/api/v1/regions?parent=999999",
        "/api/v1/tech-fields/0109",
        "/api/v1/tech-fields?parent=99",
    ],
)
async def test_unknown_codes_answer_404(api: TestClient[Request, Application], path: str) -> None:
    response = await api.get(path)
    assert response.status == 404
    body = await response.json()
    assert body["error"]["code"] == "not_found"
    assert body["error"]["message"] in ("未找到该行政区划", "未找到该技术领域")


async def test_openapi_lists_the_reference_endpoints(api: TestClient[Request, Application]) -> None:
    document = await (await api.get("/api/v1/openapi.json")).json()
    assert document["openapi"] == "3.1.0"
    for path in ("/regions", "/regions/{code}", "/tech-fields", "/tech-fields/tree", "/tech-fields/{code}"):
        assert document["paths"][path]["get"]["security"] == []
    # Every local reference resolves.
    schemas = document["components"]["schemas"]
    refs = set(re.findall(r'"#/components/schemas/(\w+)"', json.dumps(document)))
    assert refs and refs <= set(schemas)
