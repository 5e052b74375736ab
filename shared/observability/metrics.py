"""Prometheus metrics every service exposes at `/metrics` (prometheus-client, the default registry).

Request counts and durations by route template (not raw path, so ids do not explode the label set) and status;
events produced by the relay and consumed by the learners; and gauges read from the health monitor at scrape time:
outbox backlog, dead letters, consumer lag. The assessment service adds figure freshness.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from prometheus_client import Counter, Gauge, Histogram, make_asgi_app

from shared.observability import tracing

REQUESTS = Counter("cycle_http_requests_total", "HTTP requests answered", ["service", "method", "route", "status"])
REQUEST_SECONDS = Histogram("cycle_http_request_seconds", "Time to answer an HTTP request", ["service", "route"])
EVENTS_PRODUCED = Counter("cycle_events_produced_total", "Events the outbox relay published", ["schema"])
EVENTS_CONSUMED = Counter(
    "cycle_events_consumed_total", "Records a consumer group handled, by outcome", ["group", "outcome"]
)
OUTBOX_REFUSED = Counter("cycle_outbox_dead_letters_total", "Events the broker refused for good", ["schema"])


def _route_of(request: Request) -> str:
    route = request.scope.get("route")
    return str(getattr(route, "path", "unmatched"))


def install_observability(app: FastAPI, service: str) -> None:
    """`/metrics`, and each request counted, timed and run as a span of the caller's `traceparent` (or a new trace),
    which the answer echoes so a client can find its request in the logs."""
    app.mount("/metrics", make_asgi_app())

    @app.middleware("http")
    async def observe(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
        started = time.perf_counter()
        status = 500
        try:
            with tracing.span(request.headers.get("traceparent")) as traceparent:
                response = await call_next(request)
            response.headers["traceparent"] = traceparent
            status = response.status_code
            return response
        finally:
            route = _route_of(request)
            if route != "/metrics":
                REQUESTS.labels(service, request.method, route, str(status)).inc()
                REQUEST_SECONDS.labels(service, route).observe(time.perf_counter() - started)


OUTBOX_BACKLOG = Gauge("cycle_outbox_backlog", "Events written but not yet published", ["service"])
OUTBOX_OLDEST_SECONDS = Gauge("cycle_outbox_oldest_unsent_seconds", "Age of the oldest unsent event", ["service"])
CONSUMER_LAG = Gauge("cycle_consumer_lag", "Records between a consumer group's position and the end", ["group"])
BROKER_REACHABLE = Gauge("cycle_broker_reachable", "1 when the service reaches its broker", ["service"])
