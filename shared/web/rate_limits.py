"""Per-client rate limits (issue 10) with the `limits` library's moving windows, kept in each process's memory
(rate_windows.py).

Every authenticated request counts against its client's limit (`CYCLE_RATE_LIMIT`); an operation may add a
stricter one of its own (`rate_limited`, e.g. the national-ID lookup). Over a limit the answer is 429 with
Retry-After, the seconds until the window lets the client in again; nothing runs. In memory, so with N replicas
of a service a client may get N times the limit: the point is to stop a runaway or hostile client, not to bill.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from typing import Any

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from limits import parse_many
from limits.strategies import MovingWindowRateLimiter

from shared.web.problems import problem, problem_response
from shared.web.rate_windows import MovingWindowsInMemory


class RateLimited(Exception):
    def __init__(self, retry_after: int, limit: str) -> None:
        super().__init__(f"more than {limit} requests; retry after {retry_after} s")
        self.retry_after = retry_after


class ClientRateLimits:
    def __init__(self, default: str, named: Mapping[str, str] | None = None) -> None:
        self._limiter = MovingWindowRateLimiter(MovingWindowsInMemory())
        self._items = {"all": parse_many(default), **{n: parse_many(v) for n, v in (named or {}).items()}}

    def check(self, client_id: str, name: str = "all") -> None:
        """Counts one request of `client_id` against the limits called `name` ("all": every request)."""
        items = self._items[name]
        for item in items:
            if not self._limiter.test(item, client_id, name):
                reset = self._limiter.get_window_stats(item, client_id, name).reset_time
                raise RateLimited(max(1, math.ceil(reset - time.time())), str(item))
        for item in items:
            self._limiter.hit(item, client_id, name)


def rate_limits_of(request: Request) -> ClientRateLimits:
    limits: ClientRateLimits = request.app.state.rate_limits
    return limits


def rate_limited(name: str) -> Any:
    """A route's own limits (named when the app was built) on top of the client's default ones, e.g.
    `dependencies=[rate_limited("lookup")]`; it runs after the router's authentication, so it counts per client."""

    async def check(request: Request) -> None:
        actor = getattr(request.state, "actor", None)
        key = actor.client_id if actor is not None else (request.client.host if request.client else "unknown")
        rate_limits_of(request).check(key, name)

    return Depends(check)


async def _too_many(_: Request, error: Exception) -> JSONResponse:
    if not isinstance(error, RateLimited):
        raise error
    return problem_response(problem(429, "rate_limited", str(error)), {"Retry-After": str(error.retry_after)})


def install_rate_limits(app: Any, default: str, named: Mapping[str, str] | None = None) -> None:
    app.state.rate_limits = ClientRateLimits(default, named)
    app.add_exception_handler(RateLimited, _too_many)
