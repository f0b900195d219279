"""Experts by Excel: the template, the upload with its report, and the error file of an import."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from aiohttp import web

from handlers.experts.expert_import.get_error_file import GetImportErrorFile, get_import_error_file
from handlers.experts.expert_import.get_template import get_expert_template
from handlers.experts.expert_import.import_experts import ImportExperts, authorise_import
from handlers.experts.expert_import.upload_experts import upload_experts
from miniapp_api import file_links, rest
from miniapp_api.auth import PREFIX
from miniapp_api.body import Upload, UploadedFile
from miniapp_api.schemas import INT, STR, obj, operation

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def download(filename: str, content: bytes, fallback: str = "experts.xlsx") -> web.Response:
    # RFC 6266: an ASCII fallback plus the UTF-8 name every current browser and the mini-program use.
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return web.Response(body=content, headers={"Content-Type": XLSX, "Content-Disposition": disposition})


async def template(request: web.Request) -> web.Response:
    got = await get_expert_template(rest.actor_id(request), rest.container(request).uow())
    return download(got.filename, got.content)


# Signed links (miniapp_api/file_links.py) for DingTalk's viewer, which sends no bearer token: asked for by the
# signed-in admin after the same use case has let them, and opened by running it again as them.
TEMPLATE_LINK, ERROR_FILE_LINK = "expert_import_template", "expert_import_error_file"


async def template_link(request: web.Request) -> web.Response:
    await get_expert_template(rest.actor_id(request), rest.container(request).uow())
    return await file_links.sign(request, TEMPLATE_LINK, {})


@file_links.opener(TEMPLATE_LINK)
async def _open_template(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
    got = await get_expert_template(int(value["actor_id"]), rest.container(request).uow())
    return download(got.filename, got.content)


async def upload(request: web.Request, file: UploadedFile) -> web.Response:
    institution_id = rest.path_id(request, "institution_id")
    container = rest.container(request)
    await authorise_import(container.uow(), rest.actor_id(request), institution_id)  # before the body is read
    filename, content = await file.read()
    report = await upload_experts(
        ImportExperts(institution_id, rest.actor_id(request), content, filename), container.uow(), container.files
    )
    result = report.result
    link = (
        f"{PREFIX}/institutions/{institution_id}/expert-imports/{report.import_id}/error-file"
        if result.error_file_sha256 is not None
        else None
    )
    return web.json_response(
        {
            "import_id": report.import_id,
            "imported": result.imported,
            "already_present": result.already_present,
            "failed": result.failed,
            "errors": [{"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors],
            "error_file_url": link,
        }
    )


def _error_file_cmd(request: web.Request) -> GetImportErrorFile:
    return GetImportErrorFile(
        rest.actor_id(request), rest.path_id(request, "institution_id"), rest.path_id(request, "import_id")
    )


async def error_file(request: web.Request) -> web.Response:
    container = rest.container(request)
    got = await get_import_error_file(_error_file_cmd(request), container.uow(), container.files)
    return download(got.filename, got.content)


async def error_file_link(request: web.Request) -> web.Response:
    cmd = _error_file_cmd(request)
    container = rest.container(request)
    await get_import_error_file(cmd, container.uow(), container.files)  # 404 for one the caller may not open
    return await file_links.sign(
        request, ERROR_FILE_LINK, {"institution_id": cmd.institution_id, "import_id": cmd.import_id}
    )


@file_links.opener(ERROR_FILE_LINK)
async def _open_error_file(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
    cmd = GetImportErrorFile(int(value["actor_id"]), int(value["institution_id"]), int(value["import_id"]))
    container = rest.container(request)
    got = await get_import_error_file(cmd, container.uow(), container.files)
    return download(got.filename, got.content)


FILE = {"description": "the workbook", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}
_REPORT = obj(
    ["import_id", "imported", "already_present", "failed", "errors", "error_file_url"],
    import_id=INT,
    imported=INT,
    already_present=INT,
    failed=INT,
    errors={"type": "array", "items": obj(["row", "column", "reason"], row=INT, column=STR, reason=STR)},
    error_file_url={"type": ["string", "null"], "description": "GET it for the failed rows with 错误原因"},
)
_upload_doc = operation(
    "The institution admin uploads the filled template (xlsx, at most 5 MB, 5,000 rows)",
    ("200", _REPORT),
    errors={
        "413": "file_too_large",
        "415": "unsupported_file_type",
        "422": "file_missing / empty_spreadsheet / missing column",
    },
)
_template_doc = operation("The import template (xlsx)", ("200", None))
_template_doc["responses"]["200"] = FILE
_error_doc = operation("The failed rows of one import, with 错误原因", ("200", None), errors={"404": "not_found"})
_error_doc["responses"]["200"] = FILE

_template_link_doc = operation(
    f"A signed link to the import template, valid {file_links.LINK_SECONDS} seconds, for a viewer that sends no "
    "bearer token (opened at GET /file-links/{token})",
    ("201", file_links.LINK_SCHEMA),
)
_error_link_doc = operation(
    f"A signed link to an import's error file, valid {file_links.LINK_SECONDS} seconds (GET /file-links/{{token}})",
    ("201", file_links.LINK_SCHEMA),
    errors={"404": "not_found"},
)

ROUTES = [
    rest.route("GET", "/expert-imports/template", template, _template_doc),
    rest.route("POST", "/expert-imports/template/link", template_link, _template_link_doc),
    rest.route(
        "POST",
        "/institutions/{institution_id}/expert-imports",
        upload,
        _upload_doc,
        body=Upload("spreadsheet", "专家导入.xlsx", "请选择要上传的Excel文件（字段名 file）"),
    ),
    rest.route("GET", "/institutions/{institution_id}/expert-imports/{import_id}/error-file", error_file, _error_doc),
    rest.route(
        "POST",
        "/institutions/{institution_id}/expert-imports/{import_id}/error-file/link",
        error_file_link,
        _error_link_doc,
    ),
]


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
