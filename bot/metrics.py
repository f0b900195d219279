"""Prometheus metrics, registered once per process in the default registry."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.registry import Collector

# What the hot paths record, in plain numbers; added to the prometheus children when the registry is collected (a
# scrape, or a test reading a sample). Registered before the metrics below: the registry collects in that order.
_pending: list[Tally] = []


class _FlushFirst(Collector):
    def collect(self) -> list[Any]:
        for tally in _pending:
            tally.flush()
        return []

    def describe(self) -> list[Any]:
        return []


REGISTRY.register(_FlushFirst())


class Tally:
    """One labelled counter child and one histogram child, recorded without their locks and argument checks (about
    5 µs of a WeChat push, docs/benchmarks.md) and flushed into them on collection. The event loop's thread only."""

    __slots__ = ("_buckets", "_counter", "_counts", "_histogram", "_pending", "_sum", "_bounds")

    def __init__(self, counter: Counter | None, histogram: Histogram) -> None:
        self._counter = counter
        self._histogram = histogram
        self._bounds: list[float] = list(histogram._upper_bounds)  # noqa: SLF001  (pinned prometheus_client)
        self._counts = [0] * len(self._bounds)
        self._sum = 0.0
        _pending.append(self)

    def observe(self, seconds: float) -> None:
        self._counts[bisect_left(self._bounds, seconds)] += 1  # the first bucket whose bound is >= seconds
        self._sum += seconds

    def flush(self) -> None:
        counts, self._counts = self._counts, [0] * len(self._bounds)
        total, self._sum = self._sum, 0.0
        if not any(counts):
            return
        if self._counter is not None:
            self._counter.inc(sum(counts))
        self._histogram._sum.inc(total)  # noqa: SLF001
        for bucket, count in zip(self._histogram._buckets, counts, strict=True):  # noqa: SLF001
            if count:
                bucket.inc(count)


http_requests = Counter("kezhuan_http_requests_total", "HTTP requests served", ["method", "route", "status"])
http_latency = Histogram("kezhuan_http_request_seconds", "HTTP request latency", ["route"])
callback_latency = Histogram(
    "kezhuan_callback_seconds",
    "Time to answer a platform callback",
    ["channel"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
outbox_depth = Gauge("kezhuan_outbox_depth", "Outbox rows not yet sent", ["channel", "status"])
outbox_sent = Counter("kezhuan_outbox_sent_total", "Messages the provider accepted", ["channel"])
outbox_failures = Counter("kezhuan_outbox_failures_total", "Failed delivery attempts", ["channel", "kind"])
outbox_deferred = Counter(
    "kezhuan_outbox_deferred_total", "Messages held back by our own limits", ["channel", "reason"]
)
outbox_possible_duplicates = Counter(
    "kezhuan_outbox_possible_duplicates_total",
    "Re-sent after a relay died mid-send on a channel without an idempotency key",
    ["channel"],
)
channel_paused = Counter("kezhuan_channel_paused_total", "Times a provider paused a whole channel (alert)", ["channel"])
calendar_uncovered_years = Counter(
    "kezhuan_calendar_uncovered_year_total",
    "Days on which a year without a State Council holiday schedule was counted Monday-Friday (alert)",
    ["year"],
)
calendar_year_without_schedule = Gauge(
    "kezhuan_calendar_year_without_schedule",
    "1 once a year without a holiday schedule was looked up in this process (alert: load the year's notice)",
    ["year"],
)
digest_alerts = Counter(
    "kezhuan_digest_alerts_total",
    "Daily digest runs stopped early (paused by the 45009 quota, or the daily cap)",
    ["reason"],
)
registry_lookups = Counter(
    "kezhuan_registry_lookups_total",
    "Business-registry lookups by provider and answer (found, none, or the provider's error status)",
    ["provider", "outcome"],
)
dependency_unavailable = Counter(
    "kezhuan_dependency_unavailable_total",
    "Requests and callbacks answered 'try again' (503, no ack) because the database or Redis was unreachable",
    ["dependency", "channel"],
)


# The labelled children's tallies, looked up once: labels() takes a lock and checks its arguments on every call.
# Bounded, as a client can send any method.
_children: dict[tuple[str, str, int], Tally] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered: kezhuan_http_requests_total and kezhuan_http_request_seconds."""
    key = (method, route, status)
    if (tally := _children.get(key)) is None:
        if len(_children) >= 1024:
            http_requests.labels(method, route, str(status)).inc()
            http_latency.labels(route).observe(seconds)
            return
        tally = _children[key] = Tally(http_requests.labels(method, route, str(status)), http_latency.labels(route))
    tally.observe(seconds)


_callback_tallies: dict[str, Tally] = {}


def callback_tally(channel: str) -> Tally:
    """kezhuan_callback_seconds for one channel's callback, one tally per process however many webhooks are built."""
    if (tally := _callback_tallies.get(channel)) is None:
        tally = _callback_tallies[channel] = Tally(None, callback_latency.labels(channel))
    return tally
