"""The vendored browser libraries are exactly the files the manifest records (package, version, sha256)."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path
from typing import Any

VENDOR = Path(__file__).parents[2] / "webapp" / "vendor"


def _manifest() -> list[dict[str, object]]:
    files: list[dict[str, object]] = json.loads((VENDOR / "manifest.json").read_text("utf-8"))["files"]
    return files


def test_every_vendored_file_has_the_recorded_hash_and_size() -> None:
    for entry in _manifest():
        content = (VENDOR / str(entry["file"])).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["file"]
        assert len(content) == entry["size"], entry["file"]


def test_each_compressed_copy_is_its_file_compressed() -> None:
    packed = [entry for entry in _manifest() if "gzip" in entry]
    assert {str(entry["file"]).rsplit(".", 1)[1] for entry in packed} == {"js", "css"}
    for entry in packed:
        copy: dict[str, Any] = entry["gzip"]  # type: ignore[assignment]
        content = (VENDOR / copy["file"]).read_bytes()
        assert hashlib.sha256(content).hexdigest() == copy["sha256"] and len(content) == copy["size"]
        assert gzip.decompress(content) == (VENDOR / str(entry["file"])).read_bytes()


def test_nothing_is_vendored_without_a_manifest_entry() -> None:
    listed = {str(entry["file"]) for entry in _manifest()}
    listed |= {str(entry["gzip"]["file"]) for entry in _manifest() if "gzip" in entry}  # type: ignore[index]
    on_disk = {
        str(p.relative_to(VENDOR))
        for p in VENDOR.rglob("*")
        if p.is_file() and p.name not in ("README.md", "manifest.json")
    }
    assert on_disk == listed


def test_each_file_sits_under_its_package_and_version() -> None:
    for entry in _manifest():
        assert str(entry["file"]).startswith(f"{entry['package']}-{entry['version']}/")
        assert str(entry["source"]).startswith(f"https://registry.npmjs.org/{entry['package']}/-/")
        assert str(entry["source"]).endswith(f"-{entry['version']}.tgz")
