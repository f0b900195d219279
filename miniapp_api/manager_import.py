"""Technology managers by Excel (the institution admin's 经理人审核 → 批量导入): the template, the upload with its
report, and the error file of an import — the expert import's routes and signed links, for managers."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from handlers.registration.manager_import import ImportManagers, authorise_manager_import, import_managers
from handlers.registration.manager_import_error_file import (
    GetManagerImportErrorFile,
    get_manager_import_error_file,
)
from handlers.registration.manager_import_template import get_manager_template
from miniapp_api import file_links, rest
from miniapp_api.auth import PREFIX
from miniapp_api.body import Upload, UploadedFile
from miniapp_api.expert_import import FILE, download
from miniapp_api.schemas import INT, STR, obj, operation

FALLBACK = "managers.xlsx"
TEMPLATE_LINK, ERROR_FILE_LINK = "manager_import_template", "manager_import_error_file"


async def template(request: web.Request) -> web.Response:
    got = await get_manager_template(rest.actor_id(request), rest.container(request).uow())
    return download(got.filename, got.content, FALLBACK)


async def template_link(request: web.Request) -> web.Response:
    await get_manager_template(rest.actor_id(request), rest.container(request).uow())
    return await file_links.sign(request, TEMPLATE_LINK, {})


@file_links.opener(TEMPLATE_LINK)
async def _open_template(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
    got = await get_manager_template(int(value["actor_id"]), rest.container(request).uow())
    return download(got.filename, got.content, FALLBACK)


async def upload(request: web.Request, file: UploadedFile) -> web.Response:
    institution_id = rest.path_id(request, "institution_id")
    container = rest.container(request)
    await authorise_manager_import(container.uow(), rest.actor_id(request), institution_id)  # before the body
    filename, content = await file.read()
    cmd = ImportManagers(institution_id, rest.actor_id(request), content, filename)
    result = await import_managers(cmd, container.uow(), container.files, container.registration_policy)
    link = (
        f"{PREFIX}/institutions/{institution_id}/technology-manager-imports/{result.import_id}/error-file"
        if result.error_file_sha256 is not None
        else None
    )
    return web.json_response(
        {
            "import_id": result.import_id,
            "imported": result.imported,
            "already_present": result.already_present,
            "failed": result.failed,
            "errors": [
                {"row": e.row, "column": e.column, "reason": e.reason, "field": e.field, "code": e.code}
                for e in result.errors
            ],
            "error_file_url": link,
        }
    )


def _error_file_cmd(request: web.Request) -> GetManagerImportErrorFile:
    return GetManagerImportErrorFile(
        rest.actor_id(request), rest.path_id(request, "institution_id"), rest.path_id(request, "import_id")
    )


async def error_file(request: web.Request) -> web.Response:
    container = rest.container(request)
    got = await get_manager_import_error_file(_error_file_cmd(request), container.uow(), container.files)
    return download(got.filename, got.content, FALLBACK)


async def error_file_link(request: web.Request) -> web.Response:
    cmd = _error_file_cmd(request)
    container = rest.container(request)
    await get_manager_import_error_file(cmd, container.uow(), container.files)  # 404 for one not the caller's
    return await file_links.sign(
        request, ERROR_FILE_LINK, {"institution_id": cmd.institution_id, "import_id": cmd.import_id}
    )


@file_links.opener(ERROR_FILE_LINK)
async def _open_error_file(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
    cmd = GetManagerImportErrorFile(int(value["actor_id"]), int(value["institution_id"]), int(value["import_id"]))
    container = rest.container(request)
    got = await get_manager_import_error_file(cmd, container.uow(), container.files)
    return download(got.filename, got.content, FALLBACK)


_ERROR = obj(
    ["row", "column", "reason", "field", "code"],
    row=INT,
    column=STR,
    reason=STR,
    field={"type": "string", "description": "the form's field, as the form's own error names it"},
    code=STR,
)
_REPORT = obj(
    ["import_id", "imported", "already_present", "failed", "errors", "error_file_url"],
    import_id=INT,
    imported=INT,
    already_present=INT,
    failed=INT,
    errors={"type": "array", "items": _ERROR},
    error_file_url={"type": ["string", "null"], "description": "GET it for the failed rows with 错误原因"},
)
_upload_doc = operation(
    "The institution admin uploads the filled technology-manager template (xlsx, at most 5 MB, 1,000 rows); the "
    "rows that pass are bound to the institution and sent to the city's review",
    ("200", _REPORT),
    errors={
        "413": "file_too_large",
        "415": "unsupported_file_type",
        "422": "file_missing / empty_spreadsheet / missing column",
    },
)
_template_doc = operation("The technology-manager import template (xlsx)", ("200", None))
_template_doc["responses"]["200"] = FILE
_error_doc = operation("The failed rows of one import, with 错误原因", ("200", None), errors={"404": "not_found"})
_error_doc["responses"]["200"] = FILE
_template_link_doc = operation(
    f"A signed link to the template, valid {file_links.LINK_SECONDS} seconds (GET /file-links/{{token}})",
    ("201", file_links.LINK_SCHEMA),
)
_error_link_doc = operation(
    f"A signed link to an import's error file, valid {file_links.LINK_SECONDS} seconds (GET /file-links/{{token}})",
    ("201", file_links.LINK_SCHEMA),
    errors={"404": "not_found"},
)

ROUTES = [
    rest.route("GET", "/technology-manager-imports/template", template, _template_doc),
    rest.route("POST", "/technology-manager-imports/template/link", template_link, _template_link_doc),
    rest.route(
        "POST",
        "/institutions/{institution_id}/technology-manager-imports",
        upload,
        _upload_doc,
        body=Upload("spreadsheet", "技术经理人导入.xlsx", "请选择要上传的Excel文件（字段名 file）"),
    ),
    rest.route(
        "GET",
        "/institutions/{institution_id}/technology-manager-imports/{import_id}/error-file",
        error_file,
        _error_doc,
    ),
    rest.route(
        "POST",
        "/institutions/{institution_id}/technology-manager-imports/{import_id}/error-file/link",
        error_file_link,
        _error_link_doc,
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
