"""A stored file as the pages list it (name, type, size and the link that downloads it), and its content as the
download route serves it. The link is the authorised route of the record the file belongs to: whoever may see
the record may open it, with their session; nobody else reaches it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select

from handlers.errors import NotFound
from store.models.files import StoredFile
from store.uow import UnitOfWork

API_ROOT = "/api/v1"


class FileNotFound(NotFound):
    code = "file_not_found"
    message = "未找到该文件"


class FileLinkExpired(NotFound):
    code = "file_link_expired"
    message = "下载链接已失效，请重新获取"


@dataclass(frozen=True)
class FileLink:
    id: int
    name: str
    kind: str
    mime: str
    size: int
    url: str  # GET with the session's bearer token; answers the bytes under `name`


@dataclass(frozen=True)
class FileContent:
    name: str
    mime: str
    content: bytes


def demand_file_url(demand_id: int, file_id: int) -> str:
    return f"{API_ROOT}/demands/{demand_id}/files/{file_id}"


def demand_file_link(demand_id: int, f: StoredFile) -> FileLink:
    return FileLink(f.id, f.original_name, f.kind, f.mime, f.size, demand_file_url(demand_id, f.id))


async def stored_files(uow: UnitOfWork, ids: Iterable[int]) -> dict[int, StoredFile]:
    wanted = {int(i) for i in ids}
    if not wanted:
        return {}
    return {f.id: f for f in await uow.session.scalars(select(StoredFile).where(StoredFile.id.in_(wanted)))}


async def demand_file_links(uow: UnitOfWork, demand_id: int, ids: Iterable[int]) -> dict[int, FileLink]:
    """The files among `ids` that exist, by id, each linked through the demand."""
    return {i: demand_file_link(demand_id, f) for i, f in (await stored_files(uow, ids)).items()}


def in_order(links: dict[int, FileLink], ids: Iterable[int]) -> tuple[FileLink, ...]:
    return tuple(links[int(i)] for i in ids if int(i) in links)
