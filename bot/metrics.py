"""Prometheus metrics, registered once per process in the default registry."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

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


# The labelled children, looked up once: labels() takes a lock and checks its arguments on every call, which was
# a tenth of what the middleware added to a WeChat push. Bounded, as a client can send any method.
_children: dict[tuple[str, str, int], tuple[Counter, Histogram]] = {}


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """One HTTP request answered: kezhuan_http_requests_total and kezhuan_http_request_seconds."""
    key = (method, route, status)
    if (children := _children.get(key)) is None:
        children = (http_requests.labels(method, route, str(status)), http_latency.labels(route))
        if len(_children) < 1024:
            _children[key] = children
    children[0].inc()
    children[1].observe(seconds)
