"""Experts by Excel: the template, the upload with its report, and the error file of an import."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aiohttp import web

from handlers.experts.expert_import.get_error_file import GetImportErrorFile, get_import_error_file
from handlers.experts.expert_import.get_template import get_expert_template
from handlers.experts.expert_import.import_experts import ImportExperts, authorise_import
from handlers.experts.expert_import.upload_experts import upload_experts
from miniapp_api import file_links, rest
from miniapp_api.import_routes import ExcelImport, Report
from miniapp_api.schemas import INT, STR, obj

if TYPE_CHECKING:
    from bot.bootstrap import Container


async def _upload(cmd: ImportExperts, container: Container) -> Report:
    report = await upload_experts(cmd, container.uow(), container.files)
    result = report.result
    return Report(
        report.import_id,
        result.imported,
        result.already_present,
        result.failed,
        [{"row": e.row, "column": e.column, "reason": e.reason} for e in result.errors],
        has_error_file=result.error_file_sha256 is not None,
    )


EXPERTS = ExcelImport(
    segment="expert-imports",
    fallback="experts.xlsx",
    link_kind="expert_import",
    get_template=get_expert_template,
    authorise=authorise_import,
    command=ImportExperts,
    run=_upload,
    error_file_command=GetImportErrorFile,
    get_error_file=get_import_error_file,
    upload_name="专家导入.xlsx",
    template_summary="The import template (xlsx)",
    template_link_summary=(
        f"A signed link to the import template, valid {file_links.LINK_SECONDS} seconds, for a viewer that sends no "
        "bearer token (opened at GET /file-links/{token})"
    ),
    upload_summary="The institution admin uploads the filled template (xlsx, at most 5 MB, 5,000 rows)",
    row_error=obj(["row", "column", "reason"], row=INT, column=STR, reason=STR),
)
ROUTES = EXPERTS.routes()


def register(app: web.Application) -> None:
    rest.add_routes(app, ROUTES)
