"""Project registration (对接成功项目登记) on a demand, its fee-payment proof, and the scoped project lists.

Files go up first (POST /project-files, type checked by content) and are named by id, as demand attachments are."""

from __future__ import annotations

from datetime import date
from typing import Any

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.files.store_file import StoredFileView
from handlers.projects.access import PROJECT_FILE_PURPOSE
from handlers.projects.choices import CATEGORIES, COOPERATION_MODES, ENTITY_TYPES
from handlers.projects.fields import ProjectFields
from handlers.projects.get_project import GetProject, get_project
from handlers.projects.list_projects import ListProjects, list_projects
from handlers.projects.record_fee_proof import FeeProofRecorded, RecordFeeProof, record_fee_proof
from handlers.projects.register_project import ProjectRegistered, RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from handlers.projects.views import ProjectView
from miniapp_api import rest
from miniapp_api.demands import policy
from miniapp_api.schemas import INT, obj, operation, page_of, schema_of


def _day(body: dict[str, Any], name: str, label: str) -> date:
    try:
        return date.fromisoformat(rest.text(body, name))
    except ValueError:
        raise InvalidInput(f"{label}格式有误（YYYY-MM-DD）", code="invalid_date") from None


def _names(body: dict[str, Any], name: str) -> tuple[str, ...]:
    value = body.get(name) or []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise InvalidInput(f"字段 {name} 应为姓名列表", code="invalid_field")
    return tuple(value)


async def new_project_file(request: web.Request) -> web.Response:
    filename, content = await rest.uploaded_file(
        request, PROJECT_FILE_PURPOSE, "文件", "请以 multipart/form-data 上传文件（字段名 file）"
    )
    container = rest.container(request)
    cmd = UploadProjectFile(rest.actor_id(request), filename, content)
    return rest.json(await upload_project_file(cmd, container.uow(), container.files), status=201)


async def new_project(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    fields = ProjectFields(
        name=rest.text(body, "name"),
        category=rest.text(body, "category"),
        amount_fen=rest.integer(body, "amount_fen"),
        signed_on=_day(body, "signed_on", "合同签订日期"),
        leader=rest.text(body, "leader"),
        members=_names(body, "members"),
        undertaking_unit=rest.text(body, "undertaking_unit"),
        entity_type=rest.text(body, "entity_type"),
        cooperation_mode=rest.text(body, "cooperation_mode"),
        contract_file_id=rest.integer(body, "contract_file_id"),
    )
    cmd = RegisterProject(rest.actor_id(request), rest.path_id(request, "demand_id"), fields)
    return rest.json(await register_project(cmd, rest.container(request).uow(), policy(request)), status=201)


async def project(request: web.Request) -> web.Response:
    cmd = GetProject(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await get_project(cmd, rest.container(request).uow()))


async def new_fee_proof(request: web.Request) -> web.Response:
    body = await rest.json_body(request)
    cmd = RecordFeeProof(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        rest.integer(body, "file_id"),
        rest.integer(body, "paid_fen"),
        _day(body, "paid_on", "兑付日期"),
        rest.text(body, "correction"),
    )
    recorded = await record_fee_proof(cmd, rest.container(request).uow(), policy(request))
    return rest.json(recorded, status=200 if recorded.corrected else 201)


async def projects(request: web.Request) -> web.Response:
    flagged = request.query.get("flagged", "false")
    if flagged not in ("true", "false"):
        raise InvalidInput("查询参数 flagged 应为 true 或 false", code="invalid_query")
    cmd = ListProjects(rest.actor_id(request), rest.page_request(request), flagged == "true")
    return rest.page_json(await list_projects(cmd, rest.container(request).uow()))


_PROJECT = obj(
    [
        "name",
        "category",
        "amount_fen",
        "signed_on",
        "leader",
        "undertaking_unit",
        "entity_type",
        "cooperation_mode",
        "contract_file_id",
    ],
    name={"type": "string", "maxLength": 100, "description": "项目名称"},
    category={"type": "string", "enum": list(CATEGORIES), "description": "项目类别: " + "、".join(CATEGORIES.values())},
    amount_fen={"type": "integer", "minimum": 1, "description": "项目金额 in fen"},
    signed_on={"type": "string", "format": "date", "description": "合同签订日期, not after today"},
    leader={"type": "string", "maxLength": 32},
    members={"type": "array", "items": {"type": "string"}},
    undertaking_unit={"type": "string", "maxLength": 100},
    entity_type={"type": "string", "enum": list(ENTITY_TYPES), "description": "、".join(ENTITY_TYPES.values())},
    cooperation_mode={
        "type": "string",
        "enum": list(COOPERATION_MODES),
        "description": "、".join(COOPERATION_MODES.values()),
    },
    contract_file_id={**INT, "description": "the caller's upload from POST /project-files"},
)
_FEE_PROOF = obj(
    ["file_id", "paid_fen", "paid_on"],
    file_id={**INT, "description": "from POST /project-files"},
    paid_fen={"type": "integer", "minimum": 0},
    paid_on={"type": "string", "format": "date"},
    correction={
        "type": "string",
        "maxLength": 200,
        "description": "更正原因: required to replace a proof already recorded (answered 200)",
    },
)

_upload = operation(
    "A project's contract or fee-payment proof (jpg, png, pdf, doc, docx; type checked by content); name its id "
    "on the registration or the proof",
    ("201", schema_of(StoredFileView)),
    errors={"413": "file_too_large", "415": "unsupported_file_type", "422": "file_missing"},
)
_upload["requestBody"] = {
    "required": True,
    "content": {"multipart/form-data": {"schema": obj(["file"], file={"type": "string", "format": "binary"})}},
}
_list = operation(
    "Registered projects in the caller's demand scope, latest first",
    ("200", page_of(ProjectView)),
    paged=True,
    errors={"422": "invalid_query / invalid_page"},
)
_list["parameters"].append(
    {
        "name": "flagged",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["true", "false"]},
        "description": "true: only those whose fee was paid below the agreed ratio",
    }
)

_fee_proof = operation(
    "The intermediary-fee payment proof (中介费兑付凭证); a fee below the agreed ratio × amount is recorded, "
    "flagged and told to the institution's admins, never refused",
    ("201", schema_of(FeeProofRecorded)),
    body=_FEE_PROOF,
    errors={
        "404": "not_found / project_not_found / file_not_found",
        "409": "illegal_transition / fee_proof_recorded / no_fee_proof",
        "422": "invalid_amount / invalid_date / field_too_long",
    },
)
_fee_proof["responses"]["200"] = {**_fee_proof["responses"]["201"], "description": "a correction replaced it"}

ROUTES = [
    rest.Route("POST", "/project-files", new_project_file, _upload),
    rest.Route(
        "POST",
        "/demands/{demand_id}/project",
        new_project,
        operation(
            "对接成功项目登记: the docking staff member (or an admin of the docking side) registers the project; the "
            "demand becomes 已完成, the docking staff member earns 5 points, the enterprise is told by SMS",
            ("201", schema_of(ProjectRegistered)),
            body=_PROJECT,
            errors={
                "404": "not_found / file_not_found",
                "409": "illegal_transition / already_registered",
                "422": "missing_field / field_too_long / invalid_category / invalid_amount / invalid_date / "
                "invalid_entity_type / invalid_cooperation_mode / too_many_members / invalid_field",
            },
        ),
    ),
    rest.Route(
        "GET",
        "/demands/{demand_id}/project",
        project,
        operation(
            "A demand's registered project (not shown to the enterprise)",
            ("200", schema_of(ProjectView)),
            errors={"404": "not_found / project_not_found"},
        ),
    ),
    rest.Route("POST", "/demands/{demand_id}/project/fee-proof", new_fee_proof, _fee_proof),
    rest.Route("GET", "/projects", projects, _list),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
