"""The PostgreSQL side of the unit-of-work ports: one transaction on one connection.

A unit of work either opens its own transaction on a pooled connection (a request, an imported fact) or joins
a caller's connection with a savepoint (a Kafka learner, inside the consumer's batch transaction, so the
processed-event row and the effect commit together). Services subclass it and build their repositories on the
connection in `bind`.

A bulk run (the import, a CloudEvents batch) opens `one_transaction(pool, keys)` (shared/persistence/batch.py)
around many commands: every unit of work begun inside it joins that transaction with a savepoint of its own, so a
refused fact rolls back alone, and leaves its outbox, audit and idempotency rows to the batch, which writes them
set-based when it commits; its plain inserts are held and sent together (shared/persistence/held.py).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator, Mapping, Sequence
from contextvars import ContextVar
from datetime import datetime
from typing import Any, ClassVar, cast
from uuid import UUID

import asyncpg
from asyncpg.transaction import Transaction

from shared.application.access import Recorder
from shared.application.unit_of_work import IdempotencyPort, OutboxPort, Remembered, UnitOfWork
from shared.config import ServiceSettings
from shared.contracts.envelope import Envelope
from shared.messaging.codec import decode
from shared.messaging.outbox import Outbox
from shared.persistence.batch import Batch, Mark, current_batch
from shared.security.access import PostgresAccess
from shared.security.audit import AuditEntry
from shared.security.identity import Actor

_joined_take_savepoints: ContextVar[bool] = ContextVar("joined_units_take_savepoints", default=True)


@contextlib.contextmanager
def joined_without_savepoints() -> Iterator[None]:
    """Units of work that join a caller's connection in this block take no savepoint of their own: the caller undoes
    the whole block when any of them fails (the learners' batches, shared/messaging/consumer.py)."""
    token = _joined_take_savepoints.set(False)
    try:
        yield
    finally:
        _joined_take_savepoints.reset(token)


class PostgresOutbox(OutboxPort):
    def __init__(self, conn: asyncpg.Connection, writer: Outbox, batch: Batch | None = None) -> None:
        self._conn = conn
        self._writer = writer
        self._batch = batch

    async def add(self, envelope: Envelope) -> None:
        if self._batch is not None:
            self._batch.add_event(envelope)
            return
        await self._writer.add(self._conn, envelope)

    async def emitted(self, event_id: UUID) -> Envelope | None:
        if self._batch is not None:
            await self._batch.flush()
        row = await self._conn.fetchrow("SELECT key, headers, value FROM outbox WHERE event_id = $1", event_id)
        if row is None:
            return None
        headers = [(name, value.encode()) for name, value in json.loads(row["headers"]).items()]
        return decode(headers, row["key"].encode(), bytes(row["value"]))

    async def retracted(self, event_id: UUID) -> bool:
        if self._batch is not None:
            await self._batch.flush()
        return bool(
            await self._conn.fetchval(
                "SELECT EXISTS (SELECT 1 FROM outbox"
                " WHERE event_type = 'EventRetracted' AND headers->>'ce_supersedes' = $1)",
                str(event_id),
            )
        )


class PostgresIdempotency(IdempotencyPort):
    def __init__(self, conn: asyncpg.Connection, batch: Batch | None = None) -> None:
        self._conn = conn
        self._batch = batch

    async def recall(self, key: str) -> Remembered | None:
        if self._batch is not None:
            return await self._batch.recall(key)
        # Two requests with one key: the second waits here until the first commits, then replays its answer.
        await self._conn.execute("SELECT pg_advisory_xact_lock(2, hashtext($1))", key)
        row = await self._conn.fetchrow("SELECT fingerprint, body, held FROM idempotency_keys WHERE key = $1", key)
        if row is None:
            return None
        return Remembered(bytes(row["fingerprint"]), json.loads(row["body"]), row["held"])

    async def remember(self, key: str, remembered: Remembered) -> None:
        if self._batch is not None:
            self._batch.remember(key, remembered)
            return
        await self._conn.execute(
            "INSERT INTO idempotency_keys (key, fingerprint, body, held) VALUES ($1, $2, $3::jsonb, $4)",
            key,
            remembered.fingerprint,
            json.dumps(remembered.answer, default=str),
            remembered.held,
        )


class BatchedAccess(PostgresAccess):
    """The audit rows of a batch's facts wait in it; who recorded an event is read once they are written."""

    def __init__(self, conn: asyncpg.Connection, security_schema: str, batch: Batch) -> None:
        super().__init__(conn, security_schema)
        self._batch = batch

    async def recorder(self, event_id: UUID) -> Recorder | None:
        await self._batch.flush()
        return await super().recorder(event_id)

    async def audit_facts(self, actor: Actor, events: Sequence[Envelope], at: datetime) -> None:
        self._batch.add_audit([AuditEntry.of_fact(actor, event, at, None) for event in events])


class PostgresUnitOfWork(UnitOfWork):
    """Subclasses add their repositories in `bind`; `conn` is there for them, never for handlers. `subjects`: the
    service's queries of the partnerships a command's subject belongs to, by the command's field ($1 its id), for
    the scope check before a refusal (shared/security/policy.py `screen`)."""

    subjects: ClassVar[Mapping[str, str]] = {}

    def __init__(
        self,
        writer: Outbox,
        settings: ServiceSettings,
        *,
        pool: asyncpg.Pool | None = None,
        conn: asyncpg.Connection | None = None,
    ) -> None:
        if (pool is None) == (conn is None):
            raise ValueError("a unit of work needs either a pool or a caller's connection")
        self._writer = writer
        self.settings = settings
        self._pool = pool
        self._joined = conn
        self._lease: Any = None
        self._transaction: Transaction | None = None
        self._batch: Batch | None = None
        self._mark: Mark | None = None

    async def begin(self) -> None:
        self._batch = None if self._joined is not None else current_batch()
        if self._batch is not None:
            conn = self._batch.behind.connection()
            self._mark = await self._batch.begin_fact(self._writer, self.settings.security_schema)
        elif self._joined is not None and not _joined_take_savepoints.get():
            conn = self._joined
        else:
            conn = self._joined or await self._leased()
            self._transaction = conn.transaction()  # a savepoint when joining a caller's transaction
            await self._transaction.start()
        self.conn = conn
        self.outbox = PostgresOutbox(conn, self._writer, self._batch)
        self.idempotency = PostgresIdempotency(conn, self._batch)
        self.access = (
            PostgresAccess(conn, self.settings.security_schema, self.subjects)
            if self._batch is None
            else BatchedAccess(conn, self.settings.security_schema, self._batch)
        )
        self.bind(conn)

    async def _leased(self) -> asyncpg.Connection:
        assert self._pool is not None  # guaranteed by __init__
        self._lease = self._pool.acquire()
        return cast(asyncpg.Connection, await self._lease.__aenter__())

    def bind(self, conn: asyncpg.Connection) -> None:
        """Build the service's repositories on `conn`."""

    async def _commit(self) -> None:
        if self._batch is not None and self._mark is not None:
            self._mark = None
            self._batch.keep_fact()
            return
        if self._transaction is None:  # joined without a savepoint: the caller commits
            return
        try:
            await self._transaction.commit()
        finally:
            await self._release()

    async def rollback(self) -> None:
        if self._batch is not None and self._mark is not None:
            mark, self._mark = self._mark, None
            await self._batch.undo_fact(mark)
            return
        if self._transaction is None:
            return
        try:
            await self._transaction.rollback()
        finally:
            await self._release()

    async def _release(self) -> None:
        self._transaction = None
        if self._lease is not None:
            lease, self._lease = self._lease, None
            await lease.__aexit__(None, None, None)
