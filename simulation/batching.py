"""The import in bulk (issue 12): single-fact imports gathered into requests of many facts.

The driver keeps its causal order (each student's next fact waits for the answer to the one before), but with many
students in flight their imports meet here: per service and per importing party (each request goes as one client),
facts go as one `POST /admin/import` and each caller gets its own fact's result, shaped as a one-fact answer. A
request that fails as a whole fails every fact in it; retries of a request replay the facts already recorded (their
import ids are their keys).

When facts go is group commit's rule: while fewer than `in_flight` requests of theirs are out, gathered facts leave
after `linger` seconds (or at once, `size` of them); otherwise they wait for an answer, gathering the facts of
every chain it releases. A fixed wait alone made each step of a long chain (a class's hours, about a hundred facts
each waiting for the one before) pay it whatever the load; a request in flight is what is worth waiting for.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulation.calls import Call
from simulation.clients import StageClients


@dataclass
class _Pending:
    facts: list[dict[str, Any]] = field(default_factory=list)
    waiting: list[asyncio.Future[dict[str, Any]]] = field(default_factory=list)
    first: Call | None = None
    timer: asyncio.TimerHandle | None = None


class ImportBatcher:
    def __init__(
        self,
        clients: StageClients,
        acting: Mapping[str, str],
        *,
        size: int = 2_000,
        linger: float = 0.02,
        in_flight: int = 2,
    ) -> None:
        """`acting`: fact key -> the party that imports it (absent: the operator), as StageClients sends it."""
        self._clients, self._acting = clients, acting
        self._size, self._linger, self._in_flight = size, linger, in_flight
        self._pending: dict[tuple[str, str | None], _Pending] = {}
        self._flying: Counter[tuple[str, str | None]] = Counter()
        self._posting: set[asyncio.Task[None]] = set()
        self.requests = 0

    async def send(self, call: Call) -> dict[str, Any]:
        """`call`: a one-fact import (simulation/importing.py `imported`); answers as that import would."""
        key = (call.service, self._acting.get(call.fact_key))
        pending = self._pending.setdefault(key, _Pending())
        [fact] = call.body["facts"]
        answer: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        pending.facts.append(fact)
        pending.waiting.append(answer)
        pending.first = pending.first or call
        if len(pending.facts) >= self._size:
            self._post(key)
        elif pending.timer is None and self._flying[key] < self._in_flight:
            pending.timer = asyncio.get_running_loop().call_later(self._linger, self._post, key)
        return await answer

    def _post(self, key: tuple[str, str | None]) -> None:
        pending = self._pending.pop(key, None)
        if pending is None or pending.first is None:
            return
        if pending.timer is not None:
            pending.timer.cancel()
        self._flying[key] += 1
        task = asyncio.create_task(self._request(pending, pending.first))
        self._posting.add(task)
        task.add_done_callback(lambda done: self._answered(key, done))

    def _answered(self, key: tuple[str, str | None], task: asyncio.Task[None]) -> None:
        self._posting.discard(task)
        self._flying[key] -= 1
        pending = self._pending.get(key)
        if pending is not None and pending.timer is None:
            self._post(key)  # what gathered while the requests flew

    async def _request(self, pending: _Pending, first: Call) -> None:
        merged = Call(first.service, first.path, {"facts": pending.facts}, first.fact_key)
        try:
            body = await self._clients.send(merged)
        except Exception as error:  # noqa: BLE001 - every fact of the request hears why it failed
            for answer in pending.waiting:
                if not answer.done():
                    answer.set_exception(error)
            return
        self.requests += 1
        self._clients.traffic.commands[first.service] += len(pending.facts) - 1  # counted per fact, as one by one
        results = {result["import_id"]: result for result in body["results"]}
        for fact, answer in zip(pending.facts, pending.waiting, strict=True):
            if not answer.done():
                answer.set_result({"results": [results[fact["import_id"]]]})

    async def aclose(self) -> None:
        for key in list(self._pending):
            self._post(key)
        with contextlib.suppress(Exception):
            await asyncio.gather(*self._posting, return_exceptions=True)
