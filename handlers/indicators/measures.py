"""The base measures an indicator's formula may name: what every monitor row counts from the ledgers and records.
The names are the formula language's vocabulary; the labels are how a page lists them."""

from __future__ import annotations

from collections.abc import Mapping

BASE_MEASURES: Mapping[str, str] = {
    "experts": "专家数量",
    "staff": "技转人员数量",
    "demands_found": "摸排需求数",
    "demands_docked": "对接需求数",
    "deals": "成交项目数",
    "points": "累计积分",
    "enterprises_visited": "走访企业数",
}
# The measure a per-100-staff indicator divides by.
STAFF = "staff"
