"""A bulk run (the import, a CloudEvents batch): many units of work in one transaction, its rows written set-based.

`one_transaction(pool, keys)` opens the transaction; every unit of work begun inside it joins it with a savepoint
of its own, so a refused fact rolls back alone. The idempotency keys the run will use are locked and read once at
the start. What each fact adds to the outbox, the audit trail and the remembered answers waits in the batch and is
written with one statement per table when the batch commits; a savepoint rolled back drops its fact's share.
A read of those tables inside the run (the event a correction targets, who recorded it) writes them first, so it
sees every fact before it, as one transaction per fact would.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import AsyncIterator, Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import cast

import asyncpg

from shared.application.unit_of_work import Remembered
from shared.contracts.envelope import Envelope
from shared.messaging.outbox import Outbox
from shared.security.audit import AuditEntry
from shared.security.postgres import PostgresAudit

_current: ContextVar[Batch | None] = ContextVar("current_batch", default=None)


@dataclass(frozen=True)
class Mark:
    """How much a batch held when a unit of work began: what its rollback drops back to."""

    flushes: int
    events: int
    audit: int
    answers: int


@dataclass
class Batch:
    conn: asyncpg.Connection
    recalled: dict[str, Remembered | None] = field(default_factory=dict)  # keys locked and read at the start
    events: list[Envelope] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    answers: dict[str, Remembered] = field(default_factory=dict)
    _writer: Outbox | None = None
    _security_schema: str = ""
    _flushes: int = 0

    def use(self, writer: Outbox, security_schema: str) -> None:
        """The outbox and audit trail of the units of work joining this batch (one service's)."""
        self._writer, self._security_schema = writer, security_schema

    def mark(self) -> Mark:
        return Mark(self._flushes, len(self.events), len(self.audit), len(self.answers))

    def drop_since(self, mark: Mark) -> None:
        """A unit of work rolled back: what it added goes (after a flush, everything held is its own)."""
        if mark.flushes != self._flushes:
            mark = Mark(self._flushes, 0, 0, 0)
        del self.events[mark.events :]
        del self.audit[mark.audit :]
        for key in list(self.answers)[mark.answers :]:
            del self.answers[key]

    async def recall_all(self, keys: Sequence[str]) -> None:
        """Locks the keys (as `PostgresIdempotency.recall` does one by one, in a fixed order) and reads them."""
        wanted = sorted(set(keys) - self.recalled.keys())
        if not wanted:
            return
        await self.conn.execute("SELECT pg_advisory_xact_lock(2, hashtext(key)) FROM unnest($1::text[]) AS key", wanted)
        rows = await self.conn.fetch(
            "SELECT key, fingerprint, body, held FROM idempotency_keys WHERE key = ANY($1::text[])", wanted
        )
        self.recalled.update(dict.fromkeys(wanted))
        for row in rows:
            self.recalled[row["key"]] = Remembered(bytes(row["fingerprint"]), json.loads(row["body"]), row["held"])

    async def flush(self) -> None:
        if self._writer is not None:
            await self._writer.add_all(self.conn, self.events)
        if self.audit:
            await PostgresAudit(self.conn, self._security_schema).record(*self.audit)
        if self.answers:
            await self.conn.execute(
                "INSERT INTO idempotency_keys (key, fingerprint, body, held)"
                " SELECT key, fingerprint, body::jsonb, held"
                " FROM unnest($1::text[], $2::bytea[], $3::text[], $4::bool[]) AS row (key, fingerprint, body, held)",
                list(self.answers),
                [answer.fingerprint for answer in self.answers.values()],
                [json.dumps(answer.answer, default=str) for answer in self.answers.values()],
                [answer.held for answer in self.answers.values()],
            )
            self.recalled.update(self.answers)
        self.events, self.audit, self.answers = [], [], {}
        self._flushes += 1


def current_batch() -> Batch | None:
    return _current.get()


@contextlib.asynccontextmanager
async def one_transaction(pool: asyncpg.Pool, keys: Sequence[str] = ()) -> AsyncIterator[Batch]:
    """Units of work begun in this block join one transaction; `keys`: the idempotency keys they will use."""
    async with pool.acquire() as lent:
        conn = cast(asyncpg.Connection, lent)
        async with conn.transaction():
            batch = Batch(conn)
            await batch.recall_all(keys)
            token = _current.set(batch)
            try:
                yield batch
                await batch.flush()
            finally:
                _current.reset(token)
