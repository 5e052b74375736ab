"""Prometheus metrics every service exposes at `/metrics` (prometheus-client, the default registry).

Request counts and durations by route template (not raw path, so ids do not explode the label set) and status;
events produced by the relay and consumed by the learners; and gauges read from the health monitor at scrape time:
outbox backlog, dead letters, consumer lag. The assessment service adds figure freshness.

A service run as several processes on one port (`cycle up --processes N`, shared/infra/serve.py) is given
PROMETHEUS_MULTIPROC_DIR, where each process keeps its metrics in files (prometheus-client's multiprocess mode);
`/metrics`, whichever process answers, then sums the counters and histograms of them all, and a gauge gives its
most recent reading (every process's health monitor reads the same backlog, lag and broker).
"""

from __future__ import annotations

import os
import time

from fastapi import FastAPI
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, make_asgi_app, multiprocess
from starlette.datastructures import Headers, MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.observability import tracing

REQUESTS = Counter("cycle_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"])
REQUEST_SECONDS = Histogram("cycle_http_request_seconds", "Time to answer an HTTP request", ["service", "route"])
EVENTS_PRODUCED = Counter("cycle_events_produced_total", "Events the outbox relay published", ["schema"])
EVENTS_CONSUMED = Counter(
    "cycle_events_consumed_total", "Records a consumer group handled, by outcome", ["group", "outcome"]
)
OUTBOX_REFUSED = Counter("cycle_outbox_dead_letters_total", "Events the broker refused for good", ["schema"])


def install_observability(app: FastAPI, service: str) -> None:
    """`/metrics`, and each request counted, timed and run as a span of the caller's `traceparent` (or a new trace),
    which the answer echoes so a client can find its request in the logs."""
    app.mount("/metrics", make_asgi_app(registry_of_processes()))
    app.add_middleware(Observed, service=service)


def registry_of_processes() -> CollectorRegistry:
    """The metrics of every process of the service when it runs as several (PROMETHEUS_MULTIPROC_DIR), else this
    process's (the default registry)."""
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not directory:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry, directory)  # type: ignore[no-untyped-call]
    return registry


def gauge(name: str, documentation: str, labels: list[str] | None = None) -> Gauge:
    """A gauge whose most recent reading `/metrics` gives when the service runs as several processes."""
    return Gauge(name, documentation, labels or [], multiprocess_mode="mostrecent")


class Observed:
    """Plain ASGI, not `@app.middleware("http")`: starlette's BaseHTTPMiddleware runs every request in a task of its
    own and streams the answer through a queue, which cost more than most of our answers (issue 12)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app, self.service = app, service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        with tracing.span(Headers(scope=scope).get("traceparent")) as traceparent:

            async def answer(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    MutableHeaders(scope=message)["traceparent"] = traceparent
                await send(message)

            try:
                await self.app(scope, receive, answer)
            finally:
                route = str(getattr(scope.get("route"), "path", "unmatched"))  # the router put it in the scope
                if route != "/metrics":
                    REQUESTS.labels(self.service, scope["method"], route, str(status)).inc()
                    REQUEST_SECONDS.labels(self.service, route).observe(time.perf_counter() - started)


OUTBOX_BACKLOG = gauge("cycle_outbox_backlog", "Events written but not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = gauge("cycle_outbox_oldest_unsent_seconds", "Age of the oldest unsent event", ["service"])
CONSUMER_LAG = gauge("cycle_consumer_lag", "Records between a consumer group's position and the end", ["group"])
BROKER_REACHABLE = gauge("cycle_broker_reachable", "1 when the service reaches its broker", ["service"])
