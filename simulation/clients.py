"""HTTP to the three stage services: commands with an Idempotency-Key and retries, and polls with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from types import TracebackType
from typing import Any
from uuid import UUID

import httpx
import structlog
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt, wait_exponential

from simulation.calls import Call
from simulation.ids import Ids, Recorded
from simulation.ratelimit import TokenBucket

log = structlog.get_logger(__name__)


class Refused(Exception):
    """A service answered a command with 4xx: the scenario broke one of its rules (or the service has a bug)."""

    def __init__(self, call: Call, status: int, detail: Any) -> None:
        super().__init__(f"{call.service} {call.path} ({call.fact_key}): {status} {detail}")
        self.call, self.status, self.detail = call, status, detail


class NotLearned(Exception):
    """A downstream service did not learn of something within the deadline."""


@dataclass(slots=True)
class Traffic:
    commands: Counter[str] = field(default_factory=Counter)  # per service
    polls: int = 0
    retries: int = 0
    held: int = 0


def _transient(error: BaseException) -> bool:
    if isinstance(error, httpx.TransportError):
        return True
    return isinstance(error, httpx.HTTPStatusError) and error.response.status_code >= 500


class StageClients:
    def __init__(
        self,
        urls: dict[str, str],
        ids: Ids,
        *,
        rate: float | None = None,
        connections: int = 32,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.urls, self.ids = urls, ids
        self.limiter = TokenBucket(rate) if rate else None
        self.traffic = Traffic()
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        self._clients = {
            name: httpx.AsyncClient(base_url=url, timeout=timeout, limits=limits, transport=transport)
            for name, url in urls.items()
        }

    async def __aenter__(self) -> StageClients:
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        await asyncio.gather(*(client.aclose() for client in self._clients.values()))

    async def _post(self, call: Call) -> httpx.Response:
        response = await self._clients[call.service].post(
            call.path, json=call.body, headers={"Idempotency-Key": self.ids.idempotency_key(call.fact_key)}
        )
        if response.status_code >= 500:
            response.raise_for_status()
        return response

    async def send(self, call: Call) -> dict[str, Any]:
        """Posts a command; a retry after a lost answer is safe because the Idempotency-Key repeats."""
        if self.limiter:
            await self.limiter.acquire()
        retrying = AsyncRetrying(
            retry=retry_if_exception(_transient),
            stop=stop_after_attempt(6),
            wait=wait_exponential(multiplier=0.2, max=5),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                if attempt.retry_state.attempt_number > 1:
                    self.traffic.retries += 1
                response = await self._post(call)
        self.traffic.commands[call.service] += 1
        body: dict[str, Any] = response.json()
        if response.status_code >= 400:
            raise Refused(call, response.status_code, body)
        if response.status_code == 202:
            self.traffic.held += 1
        if body.get("event_id"):
            self.ids.events[call.fact_key] = Recorded(call.service, UUID(body["event_id"]))
        if call.learn:
            field_name, key = call.learn
            self.ids.learned[key] = UUID(body[field_name])
        return body

    async def until(
        self, service: str, path: str, accept: Callable[[dict[str, Any]], bool], timeout: float
    ) -> dict[str, Any]:
        """Polls GET `path` until it answers 200 with a body `accept` likes; no fixed sleeps, a deadline."""
        deadline, pause = time.monotonic() + timeout, 0.02
        last: Any = None
        while True:
            self.traffic.polls += 1
            try:
                response = await self._clients[service].get(path)
                last = response.status_code
                if response.status_code == 200:
                    body: dict[str, Any] = response.json()
                    last = body
                    if accept(body):
                        return body
            except httpx.TransportError as error:
                last = repr(error)
            if time.monotonic() + pause > deadline:
                raise NotLearned(f"{service} {path} not ready within {timeout}s; last answer: {last}")
            await asyncio.sleep(pause)
            pause = min(pause * 2, 0.5)
