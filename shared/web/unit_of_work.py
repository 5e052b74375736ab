"""One command, one transaction: the state change, its events in the outbox and the Idempotency-Key answer.

A handler opens a `UnitOfWork`, reads and writes through `uow.conn`, calls `uow.emit(envelope)` for each event
and returns its answer; nothing reaches Kafka except through the outbox rows this transaction commits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from fastapi import Request

from shared.contracts.envelope import Envelope
from shared.messaging.outbox import Outbox
from shared.persistence.database import pooled
from shared.web.idempotency import fingerprint, run_once


@dataclass
class UnitOfWork:
    conn: asyncpg.Connection
    outbox: Outbox
    emitted: list[Envelope] = field(default_factory=list)

    async def emit(self, envelope: Envelope) -> None:
        await self.outbox.add(self.conn, envelope)
        self.emitted.append(envelope)


Command = Callable[[UnitOfWork], Awaitable[tuple[int, Any]]]


async def execute(
    pool: asyncpg.Pool,
    outbox: Outbox,
    command: Command,
    *,
    idempotency_key: str | None = None,
    request_fingerprint: bytes = b"",
) -> tuple[int, Any]:
    """Run `command` in one transaction; a repeated Idempotency-Key returns the first answer unchanged."""
    async with pooled(pool) as conn, conn.transaction():
        uow = UnitOfWork(conn, outbox)
        return await run_once(conn, idempotency_key, request_fingerprint, lambda: command(uow))


def request_fingerprint(request: Request, body: Any, key: bytes) -> bytes:
    return fingerprint(request.method, request.url.path, body, key)
