"""HTTP to the three stage services: commands with an Idempotency-Key and retries, and polls with a deadline."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Any
from uuid import UUID

import httpx
import structlog
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_delay,
    wait_exponential_jitter,
)

from shared.web.client_auth import ClientCredentials, Credential, TokenNotIssued
from simulation.calls import Call
from simulation.ids import Ids, Recorded
from simulation.ratelimit import TokenBucket
from simulation.watching import Accept, Watcher

log = structlog.get_logger(__name__)


class Refused(Exception):
    """A service answered a command with 4xx: the scenario broke one of its rules (or the service has a bug)."""

    def __init__(self, call: Call, status: int, detail: Any) -> None:
        super().__init__(f"{call.service} {call.path} ({call.fact_key}): {status} {detail}")
        self.call, self.status, self.detail = call, status, detail


@dataclass(slots=True)
class Traffic:
    commands: Counter[str] = field(default_factory=Counter)  # per service
    polls: int = 0
    retries: int = 0
    held: int = 0


# A killed or restarting service (connection refused or cut), a proxy without a backend, a service that refuses work
# for now (503: its database is away or its outbox is over its limit) or a client over its rate limit (429): nothing
# was recorded, or the retry's Idempotency-Key replays what was. Any other answer is final.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
RETRY_FOR_SECONDS = 600.0
_BACKOFF = wait_exponential_jitter(multiplier=0.2, max=10, jitter=0.5)
_LONGEST_RETRY_AFTER = 60.0


class Unavailable(Exception):
    """A 429/502/503/504 answer, retried with the same Idempotency-Key after its Retry-After."""

    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.request.url.path}: {response.status_code}")
        self.status = response.status_code
        self.retry_after = _retry_after(response.headers.get("Retry-After"))


class Unanswered(Refused):
    """No final answer within RETRY_FOR_SECONDS: reported as that student's failure, and the others go on."""


def _retry_after(header: str | None) -> float | None:
    """Retry-After in seconds (RFC 9110: delay-seconds or an HTTP date), None when absent or unreadable."""
    if not header:
        return None
    if header.strip().isdigit():
        return float(header)
    try:
        when = parsedate_to_datetime(header)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def transient(error: BaseException) -> bool:
    """A failure a call is sent again after: the service away or busy, or its token endpoint so."""
    if isinstance(error, TokenNotIssued):  # the token endpoint shares its service's database
        return error.status in RETRY_STATUSES
    return isinstance(error, httpx.TransportError | Unavailable)


def _json_or_text(response: httpx.Response) -> dict[str, Any]:
    """The answer's JSON object; a plain-text one (a crashing server's 500) as its detail, not a traceback."""
    try:
        body = response.json()
    except ValueError:
        return {"detail": response.text[:500]}
    return body if isinstance(body, dict) else {"detail": body}


def retry_pause(state: RetryCallState) -> float:
    """The service's Retry-After when it gave one (capped), else exponential backoff with jitter."""
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, Unavailable) and error.retry_after is not None:
        return min(error.retry_after, _LONGEST_RETRY_AFTER)
    return float(_BACKOFF(state))


class StageClients:
    def __init__(
        self,
        urls: dict[str, str],
        ids: Ids,
        *,
        rate: float | None = None,
        connections: int = 32,
        timeout: float = 30.0,
        longest_poll_pause: float = 0.5,
        transport: httpx.AsyncBaseTransport | None = None,
        credential: Credential | None = None,
        parties: Mapping[str, Credential] | None = None,
        acting: Mapping[str, str] | None = None,
    ) -> None:
        """`credential`: the client the commands and polls are sent as (each service issues its own tokens);
        a command or an import whose fact `acting` gives to a party (simulation/acting.py) goes as that party's
        client from `parties` instead (with the import scope when the history is imported)."""
        self.urls, self.ids = urls, ids
        self._acting = acting or {}
        self._party_auth = {
            (party, service): ClientCredentials(c) for party, c in (parties or {}).items() for service in urls
        }
        self.limiter = TokenBucket(rate) if rate else None
        self.traffic = Traffic()
        limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
        # Requests wait for a connection here, not in httpcore's pool: its queue is scanned whole at every request
        # it assigns, so thousands of students polling at once spent the driver's CPU there (72% of it at 5,000).
        self._gates = {name: asyncio.Semaphore(connections) for name in urls}
        self._clients = {
            name: httpx.AsyncClient(
                base_url=url,
                timeout=httpx.Timeout(timeout, pool=None),  # waiting for a connection is bounded by the polls' deadline
                limits=limits,
                transport=transport,
                auth=ClientCredentials(credential) if credential else None,
            )
            for name, url in urls.items()
        }
        self._watchers = {
            name: Watcher(name, self._poll(name), self._count_poll, longest_pause=longest_poll_pause) for name in urls
        }

    async def __aenter__(self) -> StageClients:
        return self

    async def __aexit__(self, *_: type[BaseException] | BaseException | TracebackType | None) -> None:
        await asyncio.gather(*(watcher.aclose() for watcher in self._watchers.values()))
        await asyncio.gather(*(client.aclose() for client in self._clients.values()))

    async def _post(self, call: Call) -> httpx.Response:
        party = self._acting.get(call.fact_key)
        auth = self._party_auth.get((party, call.service)) if party else None
        async with self._gates[call.service]:
            response = await self._clients[call.service].post(
                call.path,
                json=call.body,
                headers={"Idempotency-Key": self.ids.idempotency_key(call.fact_key)},
                auth=auth or httpx.USE_CLIENT_DEFAULT,
            )
        if response.status_code in RETRY_STATUSES:
            raise Unavailable(response)
        return response

    async def send(self, call: Call) -> dict[str, Any]:
        """Posts a command until it gets a final answer. Every attempt carries the same Idempotency-Key, so a retry
        after a lost answer replays the first one instead of recording the fact twice."""
        if self.limiter:
            await self.limiter.acquire()
        retrying = AsyncRetrying(
            retry=retry_if_exception(transient),
            stop=stop_after_delay(RETRY_FOR_SECONDS),
            wait=retry_pause,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    response = await self._post(call)
        except TokenNotIssued as error:
            if error.status not in RETRY_STATUSES:
                raise Refused(call, error.status or 0, str(error)) from error
            raise Unanswered(call, error.status, f"no token after {RETRY_FOR_SECONDS:.0f}s: {error}") from error
        except (httpx.TransportError, Unavailable) as error:
            detail = f"no answer after {RETRY_FOR_SECONDS:.0f}s: {error!r}"
            raise Unanswered(call, getattr(error, "status", 0), detail) from error
        self.traffic.commands[call.service] += 1
        body: dict[str, Any] = _json_or_text(response)
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

    def _count_retry(self, state: RetryCallState) -> None:
        self.traffic.retries += 1
        error = state.outcome.exception() if state.outcome else None
        log.info("command retried", attempt=state.attempt_number, error=repr(error))

    async def until(self, service: str, path: str, accept: Accept, timeout: float) -> dict[str, Any]:
        """Polls GET `path` until it answers 200 with a body `accept` likes; no fixed sleeps, a deadline
        (simulation/watching.py: one poller per service, the oldest waits first)."""
        return await self._watchers[service].until(path, accept, timeout)

    def _poll(self, service: str) -> Callable[[str], Awaitable[httpx.Response]]:
        async def get(path: str) -> httpx.Response:
            async with self._gates[service]:
                return await self._clients[service].get(path)

        return get

    def _count_poll(self) -> None:
        self.traffic.polls += 1
