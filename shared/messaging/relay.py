"""The outbox relay: publishes unpublished rows in order with an idempotent producer, then marks them sent.

A crash between publish and mark re-publishes those rows after restart; consumers absorb the copies by event id.
One relay per schema publishes at a time (a session advisory lock), so rows leave in position order.
A row the broker refuses for good (a record too large, an invalid topic: retrying cannot help) is moved to
`outbox_dead_letters` with the reason, so it never blocks the rows after it; any other failure is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass
from datetime import UTC, datetime

import asyncpg
import orjson
import structlog
from aiokafka import AIOKafkaProducer
from aiokafka.errors import (
    InvalidTopicError,
    KafkaError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    TopicAuthorizationFailedError,
)

from shared.messaging.batches import Record, outcomes, send_batched
from shared.messaging.outbox import notify_channel
from shared.observability.metrics import EVENTS_PRODUCED, OUTBOX_REFUSED

log = structlog.get_logger(__name__)
PERMANENT_REFUSALS: tuple[type[KafkaError], ...] = (
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    InvalidTopicError,
    TopicAuthorizationFailedError,
)


@dataclass(frozen=True)
class RelaySettings:
    batch_size: int = 500
    idle_poll_seconds: float = 5.0
    retry_seconds: float = 0.5
    request_timeout_ms: int = 10_000


def idempotent_producer(bootstrap: str, request_timeout_ms: int = 10_000) -> AIOKafkaProducer:
    return AIOKafkaProducer(
        bootstrap_servers=bootstrap,
        enable_idempotence=True,  # forces acks=all; retries keep per-partition order without duplicates
        acks="all",
        linger_ms=5,
        request_timeout_ms=request_timeout_ms,
    )


class OutboxRelay:
    def __init__(self, dsn: str, schema: str, bootstrap: str, settings: RelaySettings | None = None) -> None:
        self._dsn = dsn
        self._schema = schema
        self.schema = schema
        self._bootstrap = bootstrap
        self._settings = settings or RelaySettings()
        self._wake = asyncio.Event()
        self.published = 0
        self.dead_lettered = 0
        self.listening = False
        self.last_error: str | None = None
        self.last_progress_at: datetime | None = None

    async def run(self) -> None:
        """Publish until cancelled; broker or database outages are waited out, never fatal."""
        while True:
            try:
                await self._run_once()
            except asyncio.CancelledError:
                raise
            except (OSError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                self.last_error = repr(error)
                log.warning("outbox relay interrupted; retrying", schema=self._schema, error=repr(error))
                await asyncio.sleep(self._settings.retry_seconds)
            except Exception as error:
                # A relay task that ends leaves its outbox unsent for good, silently (issue 13: asyncpg raised an
                # InternalClientError when PostgreSQL was killed mid-operation): log it and start over.
                self.last_error = repr(error)
                log.exception("outbox relay failed unexpectedly; retrying", schema=self._schema)
                await asyncio.sleep(self._settings.retry_seconds)

    async def _run_once(self) -> None:
        conn = await asyncpg.connect(self._dsn, server_settings={"search_path": self._schema})
        producer = idempotent_producer(self._bootstrap, self._settings.request_timeout_ms)
        try:
            # Two-key lock space: never collides with the writers' per-key transaction locks.
            await conn.execute("SELECT pg_advisory_lock(1, hashtext($1))", notify_channel(self._schema))
            await conn.add_listener(notify_channel(self._schema), self._on_notify)
            self.listening = True
            await producer.start()
            while True:
                if await self._publish_batch(conn, producer) < self._settings.batch_size:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self._settings.idle_poll_seconds)
                    self._wake.clear()
        finally:
            self.listening = False
            with contextlib.suppress(Exception):
                await producer.stop()
            with contextlib.suppress(Exception):
                await conn.close(timeout=2)

    def _on_notify(self, *_: object) -> None:
        self._wake.set()

    async def _publish_batch(self, conn: asyncpg.Connection, producer: AIOKafkaProducer) -> int:
        rows = await conn.fetch(
            "SELECT position, event_id, event_type, topic, key, headers, value FROM outbox"
            " WHERE published_at IS NULL AND dead_lettered_at IS NULL ORDER BY position LIMIT $1",
            self._settings.batch_size,
        )
        if not rows:
            self._progressed()
            return 0
        sent = await self._send(producer, rows)
        refused = [(row, error) for row, error in zip(rows, sent, strict=True) if isinstance(error, PERMANENT_REFUSALS)]
        published = [row for row, result in zip(rows, sent, strict=True) if not isinstance(result, BaseException)]
        await self._mark_published(conn, published)
        for row, error in refused:
            await self._dead_letter(conn, row, error)
        self.published += len(published)
        EVENTS_PRODUCED.labels(self._schema).inc(len(published))
        failed = next((e for e in sent if isinstance(e, BaseException) and not isinstance(e, PERMANENT_REFUSALS)), None)
        if failed is not None:
            raise failed
        self._progressed()
        log.debug("outbox published", schema=self._schema, count=len(rows))
        return len(rows)

    def _progressed(self) -> None:
        self.last_error = None
        self.last_progress_at = datetime.now(UTC)

    @staticmethod
    async def _send(producer: AIOKafkaProducer, rows: list[asyncpg.Record]) -> list[object]:
        """Each row's delivery, or why it failed (shared/messaging/batches.py: a refusal is the row's own)."""
        return await outcomes(await send_batched(producer, [_record(row) for row in rows]))

    async def _mark_published(self, conn: asyncpg.Connection, rows: list[asyncpg.Record]) -> None:
        await conn.execute(
            "UPDATE outbox SET published_at = now() WHERE position = ANY($1::bigint[])",
            [row["position"] for row in rows],
        )

    async def _dead_letter(self, conn: asyncpg.Connection, row: asyncpg.Record, error: BaseException) -> None:
        reason = f"{type(error).__name__}: {error}"[:4000]
        async with conn.transaction():
            await conn.execute("UPDATE outbox SET dead_lettered_at = now() WHERE position = $1", row["position"])
            await conn.execute(
                "INSERT INTO outbox_dead_letters (position, event_id, event_type, topic, reason)"
                " VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                row["position"],
                row["event_id"],
                row["event_type"],
                row["topic"],
                reason,
            )
        self.dead_lettered += 1
        OUTBOX_REFUSED.labels(self._schema).inc()
        log.error("outbox event refused by the broker; dead-lettered", schema=self._schema, reason=reason)


def _record(row: asyncpg.Record) -> Record:
    headers = [(name, value.encode()) for name, value in orjson.loads(row["headers"]).items()]
    return row["topic"], row["key"].encode(), row["value"], headers
