"""Every HTTP answer the client got, kept beside the request that drew it: the evidence that an accepted fact was
never lost and a refused one never applied."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID

import httpx


@dataclass(frozen=True, slots=True)
class Answer:
    """One attempt: `status` None when the connection failed; `event_ids` the facts the answer says it recorded."""

    port: int
    path: str
    key: str
    status: int | None
    event_ids: tuple[UUID, ...] = ()
    held: bool = False
    retry_after: str | None = None


def _recorded(body: Any) -> tuple[tuple[UUID, ...], bool]:
    """Event ids and held-ness of a command's answer, or of an import's one result (its answer inside)."""
    if not isinstance(body, dict):
        return (), False
    if "results" in body:
        ids: list[UUID] = []
        held = False
        for result in body["results"]:
            answer = result.get("answer") or {}
            if answer.get("event_id") and result.get("outcome") != "refused":
                ids.append(UUID(answer["event_id"]))
            held = held or result.get("outcome") == "held"
        return tuple(ids), held
    event_id = body.get("event_id")
    return ((UUID(event_id),) if event_id else ()), False


@dataclass
class RecordingTransport(httpx.AsyncBaseTransport):
    """Wraps the real transport; commands (requests with an Idempotency-Key) are recorded, polls are not."""

    inner: httpx.AsyncBaseTransport = field(default_factory=httpx.AsyncHTTPTransport)
    answers: list[Answer] = field(default_factory=list)
    statuses: Counter[int | None] = field(default_factory=Counter)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        key = request.headers.get("Idempotency-Key")
        port, path = request.url.port or 80, request.url.path
        try:
            response = await self.inner.handle_async_request(request)
        except httpx.TransportError:
            if key is not None:
                self._keep(Answer(port, path, key, None))
            raise
        if key is None:
            return response
        await response.aread()
        held = response.status_code == 202
        event_ids: tuple[UUID, ...] = ()
        if 200 <= response.status_code < 300:
            try:
                event_ids, held_inside = _recorded(json.loads(response.content))
            except ValueError:
                held_inside = False
            held = held or held_inside
        retry_after = response.headers.get("Retry-After")
        self._keep(Answer(port, path, key, response.status_code, event_ids, held, retry_after))
        return response

    def _keep(self, answer: Answer) -> None:
        self.answers.append(answer)
        self.statuses[answer.status] += 1

    @property
    def accepted(self) -> int:
        return sum(count for status, count in self.statuses.items() if status is not None and 200 <= status < 300)

    async def aclose(self) -> None:
        await self.inner.aclose()


@dataclass(frozen=True)
class Outcomes:
    """Per Idempotency-Key: its final answer, and every event id any of its answers named."""

    final: dict[str, Answer]
    event_ids: dict[str, set[UUID]]

    @classmethod
    def of(cls, answers: list[Answer]) -> Outcomes:
        final: dict[str, Answer] = {}
        event_ids: dict[str, set[UUID]] = {}
        for answer in answers:
            if answer.status is not None:
                final[answer.key] = answer
            event_ids.setdefault(answer.key, set()).update(answer.event_ids)
        return cls(final, event_ids)

    def accepted(self) -> dict[str, Answer]:
        return {k: a for k, a in self.final.items() if a.status is not None and 200 <= a.status < 300}

    def refused(self) -> dict[str, Answer]:
        return {k: a for k, a in self.final.items() if a.status is not None and 400 <= a.status < 500}

    def recorded_twice(self) -> list[str]:
        """Keys whose answers named two different events: one fact recorded twice."""
        return [key for key, ids in self.event_ids.items() if len(ids) > 1]
