"""Project registration (对接成功项目登记) on a demand, its fee-payment proof, and the scoped project lists.

Files go up first (POST /project-files, type checked by content) and are named by id, as demand attachments are."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from aiohttp import web

from handlers.errors import InvalidInput
from handlers.files.store_file import StoredFileView
from handlers.projects.access import PROJECT_FILE_PURPOSE
from handlers.projects.fields import ProjectFields
from handlers.projects.form import FEE_PROOF, PROJECT
from handlers.projects.get_project import GetProject, get_project
from handlers.projects.list_projects import ListProjects, list_projects
from handlers.projects.record_fee_proof import FeeProofRecorded, RecordFeeProof, record_fee_proof
from handlers.projects.register_project import ProjectRegistered, RegisterProject, register_project
from handlers.projects.upload_project_file import UploadProjectFile, upload_project_file
from handlers.projects.views import ProjectView
from miniapp_api import rest
from miniapp_api.body import Upload, UploadedFile, form
from miniapp_api.demands import policy
from miniapp_api.schemas import operation, page_of, schema_of


@dataclass(frozen=True)
class NewProject:
    """The registration form (handlers.projects.form)."""

    name: str
    category: str
    amount_fen: int
    signed_on: date
    leader: str
    members: tuple[str, ...]
    undertaking_unit: str
    entity_type: str
    cooperation_mode: str
    contract_file_id: int

    def fields(self) -> ProjectFields:
        return ProjectFields(
            name=self.name,
            category=self.category,
            amount_fen=self.amount_fen,
            signed_on=self.signed_on,
            leader=self.leader,
            members=self.members,
            undertaking_unit=self.undertaking_unit,
            entity_type=self.entity_type,
            cooperation_mode=self.cooperation_mode,
            contract_file_id=self.contract_file_id,
        )


@dataclass(frozen=True)
class FeeProof:
    """The fee-proof form (handlers.projects.form)."""

    file_id: int
    paid_fen: int
    paid_on: date
    correction: str


async def new_project_file(request: web.Request, file: UploadedFile) -> web.Response:
    filename, content = await file.read()
    container = rest.container(request)
    cmd = UploadProjectFile(rest.actor_id(request), filename, content)
    return rest.json(await upload_project_file(cmd, container.uow(), container.files), status=201)


async def new_project(request: web.Request, body: NewProject) -> web.Response:
    cmd = RegisterProject(rest.actor_id(request), rest.path_id(request, "demand_id"), body.fields())
    return rest.json(await register_project(cmd, rest.container(request).uow(), policy(request)), status=201)


async def project(request: web.Request) -> web.Response:
    cmd = GetProject(rest.actor_id(request), rest.path_id(request, "demand_id"))
    return rest.json(await get_project(cmd, rest.container(request).uow()))


async def new_fee_proof(request: web.Request, body: FeeProof) -> web.Response:
    cmd = RecordFeeProof(
        rest.actor_id(request),
        rest.path_id(request, "demand_id"),
        body.file_id,
        body.paid_fen,
        body.paid_on,
        body.correction,
    )
    recorded = await record_fee_proof(cmd, rest.container(request).uow(), policy(request))
    return rest.json(recorded, status=200 if recorded.corrected else 201)


async def projects(request: web.Request) -> web.Response:
    flagged = request.query.get("flagged", "false")
    if flagged not in ("true", "false"):
        raise InvalidInput("查询参数 flagged 应为 true 或 false", code="invalid_query")
    cmd = ListProjects(rest.actor_id(request), rest.page_request(request), flagged == "true")
    return rest.page_json(await list_projects(cmd, rest.container(request).uow()))


_upload = operation(
    "A project's contract or fee-payment proof (jpg, png, pdf, doc, docx; type checked by content); name its id "
    "on the registration or the proof",
    ("201", schema_of(StoredFileView)),
    errors={"413": "file_too_large", "415": "unsupported_file_type", "422": "file_missing"},
)
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
    also={"200": "a correction replaced it"},
    errors={
        "404": "not_found / project_not_found / file_not_found",
        "409": "illegal_transition / fee_proof_recorded / no_fee_proof",
        "422": "invalid_amount / invalid_date / field_too_long",
    },
)

ROUTES = [
    rest.route(
        "POST",
        "/project-files",
        new_project_file,
        _upload,
        body=Upload(PROJECT_FILE_PURPOSE, "文件", "请以 multipart/form-data 上传文件（字段名 file）"),
    ),
    rest.route(
        "POST",
        "/demands/{demand_id}/project",
        new_project,
        operation(
            "对接成功项目登记: the docking staff member (or an admin of the docking side) registers the project; the "
            "demand becomes 已完成, the docking staff member earns 5 points, the enterprise is told by SMS",
            ("201", schema_of(ProjectRegistered)),
            errors={
                "404": "not_found / file_not_found",
                "409": "illegal_transition / already_registered",
                "422": "missing_field / field_too_long / invalid_category / invalid_amount / invalid_date / "
                "invalid_entity_type / invalid_cooperation_mode / too_many_members / invalid_field",
            },
        ),
        body=form(PROJECT, NewProject),
    ),
    rest.route(
        "GET",
        "/demands/{demand_id}/project",
        project,
        operation(
            "A demand's registered project (not shown to the enterprise)",
            ("200", schema_of(ProjectView)),
            errors={"404": "not_found / project_not_found"},
        ),
    ),
    rest.route(
        "POST", "/demands/{demand_id}/project/fee-proof", new_fee_proof, _fee_proof, body=form(FEE_PROOF, FeeProof)
    ),
    rest.route("GET", "/projects", projects, _list),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
