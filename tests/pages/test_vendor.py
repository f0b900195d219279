"""The vendored browser libraries are exactly the files the manifest records (package, version, sha256)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

VENDOR = Path(__file__).parents[2] / "pages" / "vendor"


def _manifest() -> list[dict[str, object]]:
    files: list[dict[str, object]] = json.loads((VENDOR / "manifest.json").read_text("utf-8"))["files"]
    return files


def test_every_vendored_file_has_the_recorded_hash_and_size() -> None:
    for entry in _manifest():
        content = (VENDOR / str(entry["file"])).read_bytes()
        assert hashlib.sha256(content).hexdigest() == entry["sha256"], entry["file"]
        assert len(content) == entry["size"], entry["file"]


def test_nothing_is_vendored_without_a_manifest_entry() -> None:
    listed = {str(entry["file"]) for entry in _manifest()}
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
