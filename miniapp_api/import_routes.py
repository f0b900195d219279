"""An Excel import's routes, the same for every import (experts, technology managers): the template and its signed
link, the upload with its report, and the error file of an import and its signed link. Each import module hands
over its use cases, its path segment, its names and its OpenAPI text; what may be imported, by whom, stays theirs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar
from urllib.parse import quote

from aiohttp import web

from handlers.files.ports import FileStorage
from miniapp_api import file_links, rest
from miniapp_api.auth import PREFIX
from miniapp_api.body import Upload, UploadedFile
from miniapp_api.schemas import INT, obj, operation
from store.uow import UnitOfWork

if TYPE_CHECKING:
    from bot.bootstrap import Container

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FILE = {"description": "the workbook", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}


class Workbook(Protocol):
    """A template or an error file as the use case hands it over."""

    @property
    def filename(self) -> str: ...

    @property
    def content(self) -> bytes: ...


@dataclass(frozen=True)
class Report:
    """An upload's outcome as its answer shows it; each import says how its rows' errors read."""

    import_id: int
    imported: int
    already_present: int
    failed: int
    errors: list[dict[str, Any]]
    has_error_file: bool


def download(filename: str, content: bytes, fallback: str) -> web.Response:
    # RFC 6266: an ASCII fallback plus the UTF-8 name every current browser and the mini-program use.
    disposition = f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"
    return web.Response(body=content, headers={"Content-Type": XLSX, "Content-Disposition": disposition})


C = TypeVar("C")  # the import's command (institution_id, actor_id, content, filename)
E = TypeVar("E")  # the error file's command (actor_id, institution_id, import_id)


@dataclass(frozen=True)
class ExcelImport(Generic[C, E]):
    """One import's own parts; `routes()` builds its five routes and registers its two signed-link openers."""

    segment: str  # the path segment, e.g. "expert-imports"
    fallback: str  # the ASCII file name for clients without RFC 5987
    link_kind: str  # the signed links' kinds are f"{link_kind}_template" and f"{link_kind}_error_file"
    get_template: Callable[[int, UnitOfWork], Awaitable[Workbook]]  # (actor_id, uow)
    authorise: Callable[[UnitOfWork, int, int], Awaitable[object]]  # (uow, actor_id, institution_id)
    command: Callable[[int, int, bytes, str], C]  # (institution_id, actor_id, content, filename)
    run: Callable[[C, Container], Awaitable[Report]]
    error_file_command: Callable[[int, int, int], E]  # (actor_id, institution_id, import_id)
    get_error_file: Callable[[E, UnitOfWork, FileStorage], Awaitable[Workbook]]
    upload_name: str  # the uploaded file's name when the client sends none
    # OpenAPI text of its own
    template_summary: str
    template_link_summary: str
    upload_summary: str
    row_error: dict[str, Any]  # the schema of one of the report's errors

    def routes(self) -> list[rest.Route]:
        # Signed links (miniapp_api/file_links.py) for DingTalk's viewer, which sends no bearer token: asked for by
        # the signed-in admin after the same use case has let them, and opened by running it again as them.
        template_link_kind, error_file_link_kind = f"{self.link_kind}_template", f"{self.link_kind}_error_file"

        async def template(request: web.Request) -> web.Response:
            got = await self.get_template(rest.actor_id(request), rest.container(request).uow())
            return download(got.filename, got.content, self.fallback)

        async def template_link(request: web.Request) -> web.Response:
            await self.get_template(rest.actor_id(request), rest.container(request).uow())
            return await file_links.sign(request, template_link_kind, {})

        @file_links.opener(template_link_kind)
        async def _open_template(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
            got = await self.get_template(int(value["actor_id"]), rest.container(request).uow())
            return download(got.filename, got.content, self.fallback)

        async def upload(request: web.Request, file: UploadedFile) -> web.Response:
            institution_id = rest.path_id(request, "institution_id")
            container = rest.container(request)
            await self.authorise(container.uow(), rest.actor_id(request), institution_id)  # before the body is read
            filename, content = await file.read()
            report = await self.run(self.command(institution_id, rest.actor_id(request), content, filename), container)
            link = (
                f"{PREFIX}/institutions/{institution_id}/{self.segment}/{report.import_id}/error-file"
                if report.has_error_file
                else None
            )
            return web.json_response(
                {
                    "import_id": report.import_id,
                    "imported": report.imported,
                    "already_present": report.already_present,
                    "failed": report.failed,
                    "errors": report.errors,
                    "error_file_url": link,
                }
            )

        def error_file_cmd(request: web.Request) -> E:
            return self.error_file_command(
                rest.actor_id(request), rest.path_id(request, "institution_id"), rest.path_id(request, "import_id")
            )

        async def error_file(request: web.Request) -> web.Response:
            container = rest.container(request)
            got = await self.get_error_file(error_file_cmd(request), container.uow(), container.files)
            return download(got.filename, got.content, self.fallback)

        async def error_file_link(request: web.Request) -> web.Response:
            institution_id, import_id = rest.path_id(request, "institution_id"), rest.path_id(request, "import_id")
            container = rest.container(request)
            cmd = self.error_file_command(rest.actor_id(request), institution_id, import_id)
            await self.get_error_file(cmd, container.uow(), container.files)  # 404 for one the caller may not open
            return await file_links.sign(
                request, error_file_link_kind, {"institution_id": institution_id, "import_id": import_id}
            )

        @file_links.opener(error_file_link_kind)
        async def _open_error_file(request: web.Request, value: dict[str, Any]) -> web.StreamResponse:
            cmd = self.error_file_command(int(value["actor_id"]), int(value["institution_id"]), int(value["import_id"]))
            container = rest.container(request)
            got = await self.get_error_file(cmd, container.uow(), container.files)
            return download(got.filename, got.content, self.fallback)

        return [
            rest.route("GET", f"/{self.segment}/template", template, self._template_doc()),
            rest.route("POST", f"/{self.segment}/template/link", template_link, self._template_link_doc()),
            rest.route(
                "POST",
                f"/institutions/{{institution_id}}/{self.segment}",
                upload,
                self._upload_doc(),
                body=Upload("spreadsheet", self.upload_name, "请选择要上传的Excel文件（字段名 file）"),
            ),
            rest.route(
                "GET",
                f"/institutions/{{institution_id}}/{self.segment}/{{import_id}}/error-file",
                error_file,
                _error_doc(),
            ),
            rest.route(
                "POST",
                f"/institutions/{{institution_id}}/{self.segment}/{{import_id}}/error-file/link",
                error_file_link,
                _error_link_doc(),
            ),
        ]

    def _template_doc(self) -> dict[str, Any]:
        doc = operation(self.template_summary, ("200", None))
        doc["responses"]["200"] = FILE
        return doc

    def _template_link_doc(self) -> dict[str, Any]:
        return operation(self.template_link_summary, ("201", file_links.LINK_SCHEMA))

    def _upload_doc(self) -> dict[str, Any]:
        report = obj(
            ["import_id", "imported", "already_present", "failed", "errors", "error_file_url"],
            import_id=INT,
            imported=INT,
            already_present=INT,
            failed=INT,
            errors={"type": "array", "items": self.row_error},
            error_file_url={"type": ["string", "null"], "description": "GET it for the failed rows with 错误原因"},
        )
        return operation(
            self.upload_summary,
            ("200", report),
            errors={
                "413": "file_too_large",
                "415": "unsupported_file_type",
                "422": "file_missing / empty_spreadsheet / missing column",
            },
        )


def _error_doc() -> dict[str, Any]:
    doc = operation("The failed rows of one import, with 错误原因", ("200", None), errors={"404": "not_found"})
    doc["responses"]["200"] = FILE
    return doc


def _error_link_doc() -> dict[str, Any]:
    return operation(
        f"A signed link to an import's error file, valid {file_links.LINK_SECONDS} seconds (GET /file-links/{{token}})",
        ("201", file_links.LINK_SCHEMA),
        errors={"404": "not_found"},
    )
