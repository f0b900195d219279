"""Attachments and exports: types read from the content, purpose limits, one copy per content, a row and
an audit entry per stored file. Every sample is built here, byte by byte, from the formats' own rules."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from collections.abc import Callable

import pytest

from handlers.files.detect import detect
from handlers.files.names import clean_filename

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


def make_pdf(text: str = "kezhuan", *, padding: int = 0) -> bytes:
    """A one-page PDF with a correct cross-reference table; `padding` adds a comment to reach a size."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
    ]
    stream = f"BT /F1 12 Tf 20 100 Td ({text}) Tj ET".encode()
    objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    if padding:
        out += b"%" + b"x" * (padding - 2) + b"\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


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
    "jpeg without frame": lambda: b"\xff\xd8" + _jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\xff\xd9",
    "truncated docx": lambda: make_docx()[:-30],
    "plain zip": lambda: _zip({"a.txt": b"hello"}),
    "docm renamed": lambda: make_ooxml(
        "word/document.xml", _DOCX_TYPE, extra={"word/vbaProject.bin": b"\x00" * 64}
    ),
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


@pytest.mark.parametrize("name", sorted(REJECTED))
def test_lookalikes_and_truncated_files_are_not_recognised(name: str) -> None:
    assert detect(REJECTED[name]()) is None


def test_names_are_cleaned_and_always_carry_the_detected_extension() -> None:
    assert clean_filename("合同.pdf", "pdf") == "合同.pdf"
    assert clean_filename("C:\\Users\\张三\\照片.JPEG", "jpg") == "照片.JPEG"
    assert clean_filename("../../etc/passwd", "pdf") == "passwd.pdf"
    assert clean_filename("invoice\u202efdp.exe", "pdf") == "invoicefdp.exe.pdf"
    assert clean_filename("合同.pdf", "docx") == "合同.pdf.docx"
    assert clean_filename("  \x00 . ", "png") == "未命名.png"
    long_name = clean_filename("长" * 400 + ".pdf", "pdf")
    assert len(long_name) == 255 and long_name.endswith("长.pdf")
