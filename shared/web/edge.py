"""What stands in front of every route of a service (issue 10): the request guard (size, media type, JSON that no
route should see), the request timeout and per-client rate limits; `install_edge` once per app."""

from __future__ import annotations

from dataclasses import replace

from fastapi import FastAPI

from shared.security.settings import SecuritySettings
from shared.web.guards import BodyLimits, RequestGuard, RequestTimeout
from shared.web.rate_limits import install_rate_limits


def install_edge(app: FastAPI, settings: SecuritySettings) -> None:
    install_rate_limits(app, settings.rate_limit, {"lookup": settings.lookup_rate_limit})
    app.add_middleware(RequestGuard, limits=replace(BodyLimits(), max_bytes=settings.max_body_bytes))
    app.add_middleware(RequestTimeout, seconds=settings.request_timeout_seconds)  # outermost: body reads count too
