"""Original file names, cleaned before they are stored and later offered as a download name."""

from __future__ import annotations

import unicodedata

MAX_NAME = 255
_EXTENSIONS = {"jpg": ("jpg", "jpeg", "jpe", "jfif")}


def clean_filename(raw: str, kind: str) -> str:
    """Keep what the person called it, minus paths and invisible characters; the extension always
    matches the detected kind, so a download opens in the right program (『合同.pdf』 that is really
    a docx becomes 『合同.pdf.docx』)."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    # Category C: control, format (e.g. U+202E, which flips 'fdp.exe' on screen), surrogates, private use.
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = " ".join(name.split()).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in _EXTENSIONS.get(kind, (kind,)):
        stem, extension = name, kind
    stem = stem.rstrip(" .") or "未命名"
    return f"{stem[: MAX_NAME - len(extension) - 1]}.{extension}"
