"""Technology managers by Excel (the institution admin's 经理人审核 → 批量导入): the template, the upload with its
report, and the error file of an import — the expert import's routes and signed links, for managers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from handlers.registration.manager_import import ImportManagers, authorise_manager_import, import_managers
from handlers.registration.manager_import_error_file import (
    GetManagerImportErrorFile,
    get_manager_import_error_file,
)
from handlers.registration.manager_import_template import get_manager_template
from miniapp_api import file_links, rest
from miniapp_api.import_routes import ExcelImport, Report
from miniapp_api.schemas import INT, STR, obj

if TYPE_CHECKING:
    from bot.bootstrap import Container


async def _upload(cmd: ImportManagers, container: Container) -> Report:
    result = await import_managers(cmd, container.uow(), container.files, container.registration_policy)
    return Report(
        result.import_id,
        result.imported,
        result.already_present,
        result.failed,
        [
            {"row": e.row, "column": e.column, "reason": e.reason, "field": e.field, "code": e.code}
            for e in result.errors
        ],
        has_error_file=result.error_file_sha256 is not None,
    )


MANAGERS = ExcelImport(
    segment="technology-manager-imports",
    fallback="managers.xlsx",
    link_kind="manager_import",
    get_template=get_manager_template,
    authorise=authorise_manager_import,
    command=ImportManagers,
    run=_upload,
    error_file_command=GetManagerImportErrorFile,
    get_error_file=get_manager_import_error_file,
    upload_name="技术经理人导入.xlsx",
    template_summary="The technology-manager import template (xlsx)",
    template_link_summary=(
        f"A signed link to the template, valid {file_links.LINK_SECONDS} seconds (GET /file-links/{{token}})"
    ),
    upload_summary=(
        "The institution admin uploads the filled technology-manager template (xlsx, at most 5 MB, 1,000 rows); the "
        "rows that pass are bound to the institution and sent to the city's review"
    ),
    row_error=obj(
        ["row", "column", "reason", "field", "code"],
        row=INT,
        column=STR,
        reason=STR,
        field={"type": "string", "description": "the form's field, as the form's own error names it"},
        code=STR,
    ),
)
ROUTES = MANAGERS.routes()


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
