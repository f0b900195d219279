"""Attachments and exports: types read from the content, purpose limits, one copy per content, a row and
an audit entry per stored file. Every sample is built here, byte by byte, from the formats' own rules."""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
import random
import struct
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

import store.uow
from bot.bootstrap import Container
from handlers.audit.verify_audit_chain import verify_audit_chain
from handlers.errors import DomainError, FileTooLarge, InvalidInput, UnsupportedFileType
from handlers.files.detect import detect
from handlers.files.names import clean_filename
from handlers.files.policy import MB, PURPOSES
from handlers.files.ports import StoredContentCorrupt, StoredContentMissing
from handlers.files.store_file import StoreFile, store_file
from sandbox.documents import make_pdf
from store.filestore import LocalFileStorage
from store.models.audit import AuditEntry
from store.models.files import StoredFile

# --- samples ----------------------------------------------------------------------------------------


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def make_png(pixels: bytes = b"\x00\xff\x00\x00", *, width: int = 1) -> bytes:
    """An RGB image, `pixels` being filtered scanlines (filter byte + RGB per pixel)."""
    height = len(pixels) // (1 + 3 * width)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
        + _png_chunk(b"IDAT", zlib.compress(pixels))
        + _png_chunk(b"IEND", b"")
    )


def make_noisy_png(width: int) -> bytes:
    """One row of random pixels: incompressible, so the file is about 3 bytes per pixel."""
    return make_png(b"\x00" + random.Random(1).randbytes(3 * width), width=width)


def _jpeg_segment(marker: int, body: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(body) + 2) + body


def make_jpeg() -> bytes:
    """A baseline 8×8 grey JPEG: one-symbol Huffman tables, one block coded as DC 0 + end-of-block."""
    one_symbol_table = b"\x01" + b"\x00" * 15 + b"\x00"
    return (
        b"\xff\xd8"
        + _jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
        + _jpeg_segment(0xDB, b"\x00" + b"\x01" * 64)
        + _jpeg_segment(0xC0, b"\x08\x00\x08\x00\x08\x01\x01\x11\x00")
        + _jpeg_segment(0xC4, b"\x00" + one_symbol_table)
        + _jpeg_segment(0xC4, b"\x10" + one_symbol_table)
        + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f"  # bits 0 (DC category 0) and 0 (EOB), padded with ones
        + b"\xff\xd9"
    )


def make_pdf_of_size(size: int) -> bytes:
    padding = 2
    while len(pdf := make_pdf(padding=padding)) != size:  # the startxref offset may gain digits
        padding += size - len(pdf)
    return pdf


_DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
_XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"


def make_ooxml(main_part: str, main_type: str, *, extra: dict[str, bytes] | None = None) -> bytes:
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/{main_part}" ContentType="{main_type}"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        f'officeDocument" Target="{main_part}"/></Relationships>'
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", content_types)
        archive.writestr("_rels/.rels", rels)
        archive.writestr(main_part, '<?xml version="1.0"?><root>科转</root>')
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return buffer.getvalue()


def make_docx() -> bytes:
    return make_ooxml("word/document.xml", _DOCX_TYPE)


def make_xlsx() -> bytes:
    return make_ooxml("xl/workbook.xml", _XLSX_TYPE)


def make_ole2(stream_name: str) -> bytes:
    """A version-3 compound file (512-byte sectors): sectors 0–7 hold one 4 KiB stream, sector 8 the FAT,
    sector 9 the directory (Root Entry + the stream), as Word 97–2003 and Excel 97–2003 files do."""
    free, end_of_chain, fat_sector, no_stream = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIII", header, 40, 0, 1, 9, 0, 4096, end_of_chain, 0, end_of_chain)
    struct.pack_into("<I", header, 72, 0)
    struct.pack_into("<109I", header, 76, 8, *([free] * 108))
    stream = bytearray(4096)
    stream[0:4] = b"\xec\xa5\xc1\x00" if stream_name == "WordDocument" else b"\x09\x08\x10\x00"
    fat = [1, 2, 3, 4, 5, 6, 7, end_of_chain, fat_sector, end_of_chain] + [free] * 118

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        raw = bytearray(128)
        encoded = name.encode("utf-16-le")
        raw[0 : len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded) + 2 if name else 0, kind, 1)
        struct.pack_into("<III", raw, 68, no_stream, no_stream, child)
        struct.pack_into("<IQ", raw, 116, start, size)
        return bytes(raw)

    directory = (
        entry("Root Entry", 5, 1, end_of_chain, 0)
        + entry(stream_name, 2, no_stream, 0, 4096)
        + entry("", 0, no_stream, 0, 0) * 2
    )
    return bytes(header) + bytes(stream) + struct.pack("<128I", *fat) + directory


def make_exe() -> bytes:
    """A DOS/PE executable's opening bytes, as a program renamed to 合同.pdf would start."""
    dos = bytearray(128)
    dos[0:2] = b"MZ"
    struct.pack_into("<I", dos, 0x3C, 0x80)
    return bytes(dos) + b"PE\x00\x00" + b"\x4c\x01" + b"\x00" * 2000


SAMPLES: dict[str, Callable[[], bytes]] = {
    "png": make_png,
    "jpg": make_jpeg,
    "pdf": make_pdf,
    "docx": make_docx,
    "xlsx": make_xlsx,
    "doc": lambda: make_ole2("WordDocument"),
    "xls": lambda: make_ole2("Workbook"),
}

# --- detection ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(SAMPLES))
def test_kind_is_read_from_the_content(kind: str) -> None:
    detected = detect(SAMPLES[kind]())
    assert detected is not None and detected.kind == kind


REJECTED: dict[str, Callable[[], bytes]] = {
    "exe renamed": make_exe,
    "text": lambda: "这不是文件".encode(),
    "html": lambda: b"<!doctype html><html><body>%PDF-1.4</body></html>",
    "truncated pdf": lambda: make_pdf()[: len(make_pdf()) // 2],
    "pdf without end": lambda: make_pdf().replace(b"%%EOF", b"%%XXX"),
    "pdf behind junk": lambda: b"\x00" * 16 + make_pdf(),
    "truncated png": lambda: make_png()[:-12],
    "png with bad crc": lambda: make_png()[:-5] + b"\x00" + make_png()[-4:],
    "png with junk after IEND": lambda: make_png() + b"MZ",
    "truncated jpeg": lambda: make_jpeg()[:-2],
    "jpeg cut in its scan": lambda: make_jpeg()[:-3],
    "jpeg cut after a marker byte": lambda: make_jpeg()[:-1],
    "jpeg without frame": lambda: b"\xff\xd8" + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\xff\xd9",
    "truncated docx": lambda: make_docx()[:-30],
    "plain zip": lambda: _zip({"a.txt": b"hello"}),
    "docx with a damaged part": lambda: _zip(
        {"[Content_Types].xml": _DOCX_TYPE.encode(), "word/document.xml": b"<root>ok</root>"}
    ).replace(b"<root>ok</root>", b"<root>no</root>"),
    "docm renamed": lambda: make_ooxml("word/document.xml", _DOCX_TYPE, extra={"word/vbaProject.bin": b"\x00" * 64}),
    "docx claiming another type": lambda: make_ooxml("word/document.xml", "application/xml"),
    "truncated doc": lambda: make_ole2("WordDocument")[:-512],
    "ole2 of another program": lambda: make_ole2("PowerPoint Document"),
}


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_jpeg_scan_data_is_skipped_over_stuffed_bytes_restarts_and_later_scans() -> None:
    one_symbol_table = b"\x01" + b"\x00" * 15 + b"\x00"
    jpeg = make_jpeg()
    first_scan_end = jpeg.index(b"\xff\xd9")
    scans = (
        jpeg[:first_scan_end]
        + b"\xff\x00\x12\xff\xd0\x34\xff\xff"  # stuffed 0xFF, a restart marker, fill bytes
        + _jpeg_segment(0xC4, b"\x01" + one_symbol_table)
        + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + b"\x3f\xff\xd9"
    )
    detected = detect(scans)
    assert detected is not None and detected.kind == "jpg"
    assert detect(scans[: scans.index(b"\xff\xd0")]) is None


def test_a_phone_photo_with_a_trailer_after_its_end_is_still_a_jpeg() -> None:
    detected = detect(make_jpeg() + b"MotionPhoto_Data" + b"\x00\x00\x00\x18ftypmp42")
    assert detected is not None and detected.kind == "jpg"


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_lookalikes_and_truncated_files_are_not_recognised(name: str) -> None:
    assert detect(REJECTED[name]()) is None


def test_an_office_file_that_would_inflate_past_the_ceiling_is_refused_unread() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_TYPE)
        archive.writestr("word/document.xml", "<root/>")
        with archive.open("word/media/bomb.bin", "w") as bomb:
            for _ in range(201):
                bomb.write(bytes(1024 * 1024))
    assert len(buffer.getvalue()) < MB
    assert detect(buffer.getvalue()) is None


def test_names_are_cleaned_and_always_carry_the_detected_extension() -> None:
    assert clean_filename("合同.pdf", "pdf") == "合同.pdf"
    assert clean_filename("C:\\Users\\张三\\照片.JPEG", "jpg") == "照片.JPEG"
    assert clean_filename("../../etc/passwd", "pdf") == "passwd.pdf"
    assert clean_filename("invoice\u202efdp.exe", "pdf") == "invoicefdp.exe.pdf"
    assert clean_filename("合同.pdf", "docx") == "合同.pdf.docx"
    assert clean_filename("  \x00 . ", "png") == "未命名.png"
    long_name = clean_filename("长" * 400 + ".pdf", "pdf")
    assert len(long_name) == 255 and long_name.endswith("长.pdf")


# --- storage -----------------------------------------------------------------------------------------


async def test_local_storage_is_content_addressed_and_leaves_no_temp_files(tmp_path: Path) -> None:
    storage = LocalFileStorage(tmp_path / "files")
    content = make_pdf()
    sha = await storage.put(content)
    assert sha == hashlib.sha256(content).hexdigest()
    assert await storage.put(content) == sha
    assert (tmp_path / "files" / sha[:2] / sha[2:4] / sha).read_bytes() == content
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [sha]
    assert await storage.exists(sha) and await storage.read(sha) == content
    with storage.open(sha) as stream:
        assert stream.read() == content

    missing = hashlib.sha256(b"other").hexdigest()
    assert not await storage.exists(missing)
    assert not await storage.exists("../../etc/passwd")
    for address in (missing, "../" * 3 + "etc/passwd", sha.upper()):
        with pytest.raises(StoredContentMissing):
            await storage.read(address)
        with pytest.raises(StoredContentMissing):
            storage.open(address)

    (tmp_path / "files" / sha[:2] / sha[2:4] / sha).write_bytes(content + b"tampered")
    with pytest.raises(StoredContentCorrupt):
        await storage.read(sha)
    assert await storage.put(content) == sha  # storing the content again repairs the damaged copy
    assert await storage.read(sha) == content


# --- the use case ------------------------------------------------------------------------------------


def _stored_paths(container: Container) -> list[Path]:
    return [p for p in container.settings.files_dir.rglob("*") if p.is_file()]


async def _rows(container: Container) -> list[StoredFile]:
    async with container.sessionmaker() as session:
        return list((await session.execute(select(StoredFile).order_by(StoredFile.id))).scalars())


async def _audit(container: Container, sha: str) -> list[AuditEntry]:
    async with container.sessionmaker() as session:
        query = (
            select(AuditEntry)
            .where(AuditEntry.aggregate_type == "file", AuditEntry.aggregate_id == sha)
            .order_by(AuditEntry.seq)
        )
        return list((await session.execute(query)).scalars())


async def test_container_wires_local_storage_under_the_files_dir(container: Container) -> None:
    assert isinstance(container.files, LocalFileStorage)
    assert container.files.root == container.settings.files_dir


async def test_a_certificate_is_stored_with_its_row_and_audit_entry(container: Container) -> None:
    content = make_png()
    view = await store_file(
        StoreFile(purpose="certificate", filename="营业执照.png", content=content, uploaded_by="person:7"),
        container.uow(),
        container.files,
    )
    sha = hashlib.sha256(content).hexdigest()
    assert (view.sha256, view.kind, view.mime, view.size) == (sha, "png", "image/png", len(content))
    assert (view.purpose, view.original_name, view.uploaded_by) == ("certificate", "营业执照.png", "person:7")
    assert view.created_at == container.clock.now()
    assert await container.files.read(sha) == content

    [row] = await _rows(container)
    assert (row.id, row.sha256, row.kind, row.purpose, row.original_name) == (
        view.id,
        sha,
        "png",
        "certificate",
        "营业执照.png",
    )
    [entry] = await _audit(container, sha)
    assert (entry.seq, entry.action, entry.actor) == (1, "stored", "person:7")
    assert json.loads(entry.data) == {"file_id": view.id, "purpose": "certificate", "kind": "png", "size": len(content)}
    assert "营业执照" not in entry.data  # names may be personal: they stay out of the chain
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report.findings


@pytest.mark.parametrize("kind", sorted(SAMPLES))
async def test_every_accepted_kind_is_stored_as_an_attachment(container: Container, kind: str) -> None:
    view = await store_file(
        StoreFile(purpose="attachment", filename=f"附件.{kind}", content=SAMPLES[kind]()),
        container.uow(),
        container.files,
    )
    assert view.kind == kind and view.original_name == f"附件.{kind}"


async def test_identical_content_is_kept_once_on_disk_and_chained(container: Container) -> None:
    content = make_docx()
    first = await store_file(
        StoreFile(purpose="document", filename="合同.docx", content=content, uploaded_by="person:1"),
        container.uow(),
        container.files,
    )
    second = await store_file(
        StoreFile(purpose="attachment", filename="合同副本", content=content, uploaded_by="person:2"),
        container.uow(),
        container.files,
    )
    assert first.sha256 == second.sha256 and first.id != second.id
    assert second.original_name == "合同副本.docx"
    assert [p.name for p in _stored_paths(container)] == [first.sha256]
    assert [(e.seq, e.actor) for e in await _audit(container, first.sha256)] == [(1, "person:1"), (2, "person:2")]


async def test_concurrent_identical_uploads_all_land_on_one_chain(container: Container) -> None:
    content = make_pdf("同时上传")
    views = await asyncio.gather(
        *(
            store_file(
                StoreFile(purpose="document", filename=f"{n}.pdf", content=content, uploaded_by=f"person:{n}"),
                container.uow(),
                container.files,
            )
            for n in range(4)
        )
    )
    assert len({v.id for v in views}) == 4
    assert [e.seq for e in await _audit(container, views[0].sha256)] == [1, 2, 3, 4]
    report = await verify_audit_chain(container.uow(), container.anchors)
    assert report.ok, report.findings


async def test_an_export_is_hashed_into_the_audit_chain(container: Container) -> None:
    content = make_pdf("兑现申请表")
    view = await store_file(
        StoreFile(purpose="export", filename="兑现申请表.pdf", content=content), container.uow(), container.files
    )
    [entry] = await _audit(container, view.sha256)
    assert entry.actor is None and json.loads(entry.data)["purpose"] == "export"


Case = tuple[str, str, Callable[[], bytes], type[DomainError], int, str, str]

REJECTIONS: dict[str, Case] = {
    "exe renamed to pdf": (
        "certificate",
        "合同.pdf",
        make_exe,
        UnsupportedFileType,
        415,
        "unsupported_file_type",
        "仅支持 jpg、png、pdf 格式",
    ),
    "truncated pdf": (
        "document",
        "合同.pdf",
        lambda: make_pdf()[:200],
        UnsupportedFileType,
        415,
        "unsupported_file_type",
        "仅支持 doc、docx、pdf 格式",
    ),
    "truncated png": (
        "image",
        "照片.png",
        lambda: make_png()[:-12],
        UnsupportedFileType,
        415,
        "unsupported_file_type",
        "仅支持 jpg、png 格式",
    ),
    "pdf where an image is wanted": (
        "image",
        "照片.png",
        make_pdf,
        UnsupportedFileType,
        415,
        "unsupported_file_type",
        "仅支持 jpg、png 格式",
    ),
    "xls for an import": (
        "spreadsheet",
        "名单.xlsx",
        lambda: make_ole2("Workbook"),
        UnsupportedFileType,
        415,
        "unsupported_file_type",
        "仅支持 xlsx 格式",
    ),
    "certificate over 1 MB": (
        "certificate",
        "证书.pdf",
        lambda: make_pdf_of_size(MB + 1),
        FileTooLarge,
        413,
        "file_too_large",
        "文件不能超过 1 MB",
    ),
    "image over 1 MB": (
        "image",
        "照片.png",
        lambda: make_noisy_png(400_000),
        FileTooLarge,
        413,
        "file_too_large",
        "文件不能超过 1 MB",
    ),
    "contract over 5 MB": (
        "document",
        "合同.pdf",
        lambda: make_pdf_of_size(5 * MB + 1),
        FileTooLarge,
        413,
        "file_too_large",
        "文件不能超过 5 MB",
    ),
    "intent document over 2 MB": (
        "intent_document",
        "报价单.pdf",
        lambda: make_pdf_of_size(2 * MB + 1),
        FileTooLarge,
        413,
        "file_too_large",
        "文件不能超过 2 MB",
    ),
    "empty": ("attachment", "空.pdf", lambda: b"", InvalidInput, 422, "empty_file", "文件内容为空"),
    "unknown purpose": ("avatar", "头像.png", make_png, InvalidInput, 422, "unknown_file_purpose", "未知的文件用途"),
}


@pytest.mark.parametrize("name", sorted(REJECTIONS))
async def test_rejected_uploads_leave_nothing_behind(container: Container, name: str) -> None:
    purpose, filename, build, error, status, code, message = REJECTIONS[name]
    with pytest.raises(error) as caught:
        await store_file(
            StoreFile(purpose=purpose, filename=filename, content=build()), container.uow(), container.files
        )
    assert (caught.value.status, caught.value.code, caught.value.message) == (status, code, message)
    assert await _rows(container) == []
    assert _stored_paths(container) == []


async def test_a_file_exactly_at_the_limit_is_accepted(container: Container) -> None:
    content = make_pdf_of_size(PURPOSES["certificate"].max_bytes)
    assert len(content) == MB
    view = await store_file(
        StoreFile(purpose="certificate", filename="证书.pdf", content=content), container.uow(), container.files
    )
    assert view.size == MB


async def test_a_failed_insert_leaves_no_row_and_no_audit_entry(
    container: Container, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def broken_audit(*args: Any, **kwargs: Any) -> None:
        raise ConnectionError("database went away")

    # The audit entries are the last write before the commit: the file's row must go with them.
    monkeypatch.setattr(store.uow, "append_entries", broken_audit)
    content = make_jpeg()
    with pytest.raises(ConnectionError):
        await store_file(
            StoreFile(purpose="image", filename="a.jpg", content=content), container.uow(), container.files
        )
    assert await _rows(container) == []
    async with container.sessionmaker() as session:
        assert await session.scalar(select(func.count()).select_from(AuditEntry)) == 0
    # The content itself may stay: it is addressed by its hash and referenced by nothing.
    assert await container.files.exists(hashlib.sha256(content).hexdigest())
