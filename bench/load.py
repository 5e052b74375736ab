"""HTTP load: requests from `concurrency` workers sharing one list, each request timed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import httpx

from shared.web.client_auth import ClientCredentials, Credential


@dataclass(frozen=True)
class Timed:
    sent_at: float  # wall clock (time.time()), to compare with Kafka record timestamps
    seconds: float
    status: int
    body: Any


def client(
    base_url: str, concurrency: int, credential: Credential | None = None, timeout: float = 300
) -> httpx.AsyncClient:
    """Keeps `concurrency` connections open; calls as `credential`'s client when given (a bearer token)."""
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    auth = ClientCredentials(credential) if credential else None
    return httpx.AsyncClient(base_url=base_url, timeout=timeout, limits=limits, auth=auth)


async def post_all(
    http: httpx.AsyncClient,
    path: str,
    bodies: Sequence[Any],
    concurrency: int,
    headers: dict[str, str] | None = None,
) -> tuple[list[Timed], float]:
    """Every body posted once; the answers in the order sent, and the wall time of the whole run."""
    answers: list[Timed | None] = [None] * len(bodies)
    pending = iter(range(len(bodies)))

    async def worker() -> None:
        for index in pending:
            sent_at, started = time.time(), time.perf_counter()
            response = await http.post(path, json=bodies[index], headers=headers)
            answers[index] = Timed(sent_at, time.perf_counter() - started, response.status_code, response.json())

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(max(1, concurrency))))
    elapsed = time.perf_counter() - started
    return [answer for answer in answers if answer is not None], elapsed


def refused(answers: Sequence[Timed]) -> list[Timed]:
    return [answer for answer in answers if answer.status >= 300]
