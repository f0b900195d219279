"""File types detected from the content alone: never the name, never the client's content type.

`filetype` (pure Python) sniffs the signature; a structural check per type then rejects look-alikes
and truncated uploads: a renamed .exe has no valid signature, a cut-off PDF has no `%%EOF`, a cut-off
PNG has no IEND, a cut-off DOCX has no zip central directory.
"""

from __future__ import annotations

import io
import math
import re
import struct
import zipfile
import zlib
from dataclasses import dataclass

import filetype


@dataclass(frozen=True)
class FileKind:
    kind: str  # our canonical extension: jpg, png, pdf, doc, docx, xls, xlsx
    mime: str


MIME = {
    "jpg": "image/jpeg",
    "png": "image/png",
    "pdf": "application/pdf",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def detect(content: bytes) -> FileKind | None:
    """The verified kind of this content, or None when it is not one of the kinds we accept."""
    kind = _verified_kind(content)
    return FileKind(kind, MIME[kind]) if kind else None


def _verified_kind(content: bytes) -> str | None:
    guessed = filetype.guess(content)
    family = guessed.extension if guessed is not None else None
    if family == "jpg":
        return "jpg" if _is_jpeg(content) else None
    if family == "png":
        return "png" if _is_png(content) else None
    if family == "pdf":
        return "pdf" if _is_pdf(content) else None
    if family in _ZIP_FAMILY:
        return _ooxml_kind(content)
    # filetype's doc/xls matchers only know a few writers' layouts; read the compound file ourselves.
    if family in ("doc", "xls") or content.startswith(_OLE2_MAGIC):
        return _ole2_kind(content)
    return None


# --- PDF ------------------------------------------------------------------------------------------

_PDF_HEADER = re.compile(rb"%PDF-[12]\.\d")


def _is_pdf(content: bytes) -> bool:
    # Every complete PDF ends with `startxref <offset> %%EOF`; a truncated upload loses it.
    tail = content[-1024:]
    return bool(_PDF_HEADER.match(content)) and b"startxref" in tail and b"%%EOF" in tail


# --- PNG ------------------------------------------------------------------------------------------

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _is_png(content: bytes) -> bool:
    """Walk every chunk: IHDR first, lengths and CRCs sound, IEND last and nothing after it."""
    if not content.startswith(_PNG_SIGNATURE):
        return False
    pos, first = len(_PNG_SIGNATURE), True
    while pos + 12 <= len(content):
        length, chunk_type = struct.unpack_from(">I4s", content, pos)
        end: int = pos + 12 + int(length)
        if end > len(content):
            return False
        (crc,) = struct.unpack_from(">I", content, end - 4)
        if zlib.crc32(content[pos + 4 : end - 4]) != crc:
            return False
        if first:
            if chunk_type != b"IHDR" or length != 13:
                return False
            width, height = struct.unpack_from(">II", content, pos + 8)
            if width == 0 or height == 0:
                return False
            first = False
        if chunk_type == b"IEND":
            return end == len(content)
        pos = end
    return False


# --- JPEG -----------------------------------------------------------------------------------------

# Start-of-frame markers; C4 (DHT), C8 (reserved) and CC (DAC) share the range but are not frames.
_SOF = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_SOS, _EOI = 0xDA, 0xD9


def _is_jpeg(content: bytes) -> bool:
    """SOI, well-formed segments, a frame header, at least one scan whose data runs to a marker, then EOI.

    Bytes after EOI are allowed: phones append motion-photo video and maker trailers there. A truncated
    upload never reaches EOI."""
    if not content.startswith(b"\xff\xd8\xff"):
        return False
    pos, has_frame, has_scan = 2, False, False
    while pos + 2 <= len(content):
        if content[pos] != 0xFF:
            return False
        marker = content[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker == _EOI:
            return has_scan
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:  # markers without a length
            pos += 2
            continue
        if pos + 4 > len(content):
            return False
        (length,) = struct.unpack_from(">H", content, pos + 2)
        if length < 2 or pos + 2 + length > len(content):
            return False
        has_frame = has_frame or marker in _SOF
        pos += 2 + length
        if marker == _SOS:
            if not has_frame:
                return False
            has_scan = True
            pos = _end_of_scan_data(content, pos)
            if pos < 0:
                return False
    return False


def _end_of_scan_data(content: bytes, pos: int) -> int:
    """Where the marker after entropy-coded data starts; -1 if the data runs off the end."""
    while (pos := content.find(b"\xff", pos)) >= 0 and pos + 1 < len(content):
        following = content[pos + 1]
        if following == 0x00 or 0xD0 <= following <= 0xD7:  # a stuffed 0xFF or a restart marker
            pos += 2
        elif following == 0xFF:  # fill bytes before the marker
            pos += 1
        else:
            return pos
    return -1


# --- DOCX / XLSX ----------------------------------------------------------------------------------

_ZIP_FAMILY = frozenset({"zip", "docx", "xlsx", "pptx", "odt", "ods", "odp", "epub"})
_OOXML_MAIN = {
    "docx": ("word/document.xml", b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "xlsx": ("xl/workbook.xml", b"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"),
}
# Uncompressed ceilings: a zip bomb is refused from its directory, before anything inflates it.
_MAX_UNZIPPED = 200 * 1024 * 1024
_MAX_CONTENT_TYPES = 1024 * 1024


def _ooxml_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = {info.filename: info for info in archive.infolist()}
            content_types = members.get("[Content_Types].xml")
            if content_types is None or content_types.file_size > _MAX_CONTENT_TYPES:
                return None
            if sum(info.file_size for info in members.values()) > _MAX_UNZIPPED:
                return None
            # Macro-enabled documents (docm/xlsm renamed) carry a VBA project: not accepted as docx/xlsx.
            if any(name.lower().endswith("vbaproject.bin") for name in members):
                return None
            for kind, (main_part, main_type) in _OOXML_MAIN.items():
                if main_part not in members:
                    continue
                # Reading to the end checks each member's CRC, so a damaged archive is refused here.
                if main_type not in archive.read(content_types):
                    return None
                _read_through(archive, members[main_part])
                return kind
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        NotImplementedError,
        RuntimeError,
        OSError,
        EOFError,
        ValueError,
        zlib.error,
    ):
        return None
    return None


def _read_through(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    with archive.open(member) as stream:
        while stream.read(1 << 20):
            pass


# --- DOC / XLS (OLE2 compound file) ---------------------------------------------------------------

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_FREESECT, _ENDOFCHAIN = 0xFFFFFFFF, 0xFFFFFFFE
_DIR_ENTRY = 128


def _ole2_kind(content: bytes) -> str | None:
    """Read the header, the FAT and the directory; the streams named there decide doc or xls."""
    try:
        return _ole2_streams_kind(content)
    except (struct.error, UnicodeDecodeError):
        return None


def _ole2_streams_kind(content: bytes) -> str | None:
    if len(content) < 512 or not content.startswith(_OLE2_MAGIC):
        return None
    major, byte_order, shift = struct.unpack_from("<HHH", content, 26)
    if byte_order != 0xFFFE or (major, shift) not in ((3, 9), (4, 12)):
        return None
    size = 1 << shift
    sectors = math.ceil((len(content) - size) / size)  # the header takes the first sector's room
    fat_count, dir_start = struct.unpack_from("<II", content, 44)
    fat: list[int] = []
    for fat_sector in struct.unpack_from("<109I", content, 76)[: min(fat_count, 109)]:
        if fat_sector >= sectors:
            return None
        fat.extend(struct.unpack_from(f"<{size // 4}I", content, (fat_sector + 1) * size))
    # A truncated file loses sectors its FAT still allocates.
    used = [index for index, entry in enumerate(fat) if entry != _FREESECT]
    if not used or max(used) >= sectors:
        return None
    names: set[str] = set()
    sector, visited = dir_start, set()
    while sector != _ENDOFCHAIN:
        if sector >= min(sectors, len(fat)) or sector in visited:
            return None
        visited.add(sector)
        base = (sector + 1) * size
        for offset in range(base, base + size, _DIR_ENTRY):
            (name_bytes,) = struct.unpack_from("<H", content, offset + 64)
            if 2 <= name_bytes <= 64:
                names.add(content[offset : offset + name_bytes - 2].decode("utf-16-le"))
        sector = fat[sector]
    if "Root Entry" not in names:
        return None
    if "WordDocument" in names:
        return "doc"
    if "Workbook" in names or "Book" in names:
        return "xls"
    return None
