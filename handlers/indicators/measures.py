"""The base measures an indicator's formula may name: what every monitor row counts from the ledgers and records.
The names are the formula language's vocabulary; the labels are how a page lists them."""

from __future__ import annotations

from collections.abc import Mapping

from handlers.monitoring.facts import LABELS, Measure

BASE_MEASURES: Mapping[str, str] = {m.value: LABELS[m] for m in Measure}
# The measure a per-100-staff indicator divides by.
STAFF = Measure.STAFF.value
