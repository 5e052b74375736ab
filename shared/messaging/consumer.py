"""Idempotent consumption: each event's effect and its event id commit in one transaction.

A redelivered event finds its id recorded and changes nothing; a copy with other content is logged as a
conflict (DOMAIN.md: the first delivery of an id counts). A record that cannot be decoded, or whose handler
keeps failing, goes to the group's dead-letter topic with the reason in headers, and consumption goes on.
Each polled batch of a partition is applied in one transaction, and offsets are committed only after it commits,
so a crash redelivers, never skips. A batch is first applied together: its events' ids recorded with one statement
(those recorded before are the duplicates), then every new event's handler, without a savepoint each, its plain
inserts held and sent together, and what the new events will read maybe read at once (shared/persistence/held.py).
Should any handler or the held rows fail, that is undone and the batch runs again one event at a time, each in a
savepoint of its own, without reading ahead, so a failing event rolls back alone and is retried, then
dead-lettered; the others are applied as before. A batch that holds two copies of one event runs one event at a
time from the start.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum
from uuid import UUID

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, ConsumerRecord
from tenacity import AsyncRetrying, retry_if_exception_type, stop_after_attempt, wait_random_exponential

from shared.contracts.envelope import Envelope
from shared.contracts.registry import dead_letter_topic
from shared.messaging.codec import UndecodableEvent, decode
from shared.messaging.relay import idempotent_producer
from shared.messaging.topics import DEAD_LETTER_CONFIG, ensure_topics
from shared.observability import tracing
from shared.observability.metrics import EVENTS_CONSUMED
from shared.persistence.batch import ROLLED_BACK
from shared.persistence.database import pooled
from shared.persistence.held import HeldInserts, WriteBehind, readers_of_tables
from shared.persistence.unit_of_work import joined_without_savepoints

Handler = Callable[[asyncpg.Connection, Envelope], Awaitable[None]]
Accepts = Callable[[ConsumerRecord[bytes, bytes]], bool]
log = structlog.get_logger(__name__)

# Failures of the infrastructure, not of the event: the consumer stops without committing and is restarted.
# A database shut down or killed mid-batch (AdminShutdownError, and asyncpg's InternalClientError on a connection
# that died during an operation) is one of them: the event is not to blame and must not be dead-lettered.
INFRASTRUCTURE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    asyncpg.InterfaceError,
    asyncpg.PostgresConnectionError,
    asyncpg.CannotConnectNowError,
    asyncpg.AdminShutdownError,
    asyncpg.InternalClientError,
)


ROLLBACK_ATTEMPTS = 8  # runs of a batch PostgreSQL rolls back before the consumer restarts


class Outcome(StrEnum):
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    DEAD_LETTERED = "dead_lettered"
    SKIPPED = "skipped"


class RejectedEvent(Exception):
    """Raised by a handler for an event it can never apply; the event goes to the dead-letter topic at once."""


def _digest(record: ConsumerRecord[bytes, bytes]) -> bytes:
    return hashlib.sha256(record.value or b"").digest()


class IdempotentConsumer:
    def __init__(
        self,
        *,
        group: str,
        topics: Sequence[str],
        bootstrap: str,
        pool: asyncpg.Pool,
        handler: Handler,
        topic_namespace: str = "",
        max_attempts: int = 3,
        dead_letter_partitions: int = 1,
        accepts: Accepts | None = None,
    ) -> None:
        """`accepts`: the records the handler has anything to do with (by their headers); the others are passed
        over before any row is written, so a consumer that needs few types of a busy topic records only those."""
        self.group = group
        self._topics = list(topics)
        self._bootstrap = bootstrap
        self._pool = pool
        self._handler = handler
        self._max_attempts = max_attempts
        self._accepts = accepts
        self.dead_letter_topic = dead_letter_topic(group, topic_namespace)
        self._dead_letter_partitions = dead_letter_partitions
        self._readers: dict[str, frozenset[str]] | None = None  # shared/persistence/held.py, read at the first batch
        self.applied = 0
        self.duplicates = 0
        self.dead_lettered = 0
        self.lag = 0

    async def run(self) -> None:
        await ensure_topics(self._bootstrap, [self.dead_letter_topic], self._dead_letter_partitions, DEAD_LETTER_CONFIG)
        consumer = AIOKafkaConsumer(
            *self._topics,
            bootstrap_servers=self._bootstrap,
            group_id=self.group,
            enable_auto_commit=False,
            auto_offset_reset="earliest",
            isolation_level="read_committed",
        )
        producer = idempotent_producer(self._bootstrap)
        await producer.start()
        await consumer.start()
        try:
            while True:
                batches = await consumer.getmany(timeout_ms=500, max_records=500)
                for records in batches.values():
                    await self._process_batch_until_kept(records, producer)
                if batches:
                    await consumer.commit()
                self.lag = await _lag(consumer)
        finally:
            await consumer.stop()
            await producer.stop()

    async def _process_batch_until_kept(
        self, records: list[ConsumerRecord[bytes, bytes]], producer: AIOKafkaProducer
    ) -> None:
        """A batch PostgreSQL rolls back (a deadlock with a bulk import, a serialization failure) is run again whole,
        after a short random pause: its savepoints cannot help, the batch's own locks are part of the deadlock, and
        none of its events is to blame. After ROLLBACK_ATTEMPTS the error stops the consumer, which `run_forever`
        restarts from its last commit; nothing is dead-lettered for it."""
        retrying = AsyncRetrying(
            retry=retry_if_exception_type(ROLLED_BACK),
            stop=stop_after_attempt(ROLLBACK_ATTEMPTS),
            wait=wait_random_exponential(multiplier=0.05, max=2),
            before_sleep=lambda state: log.warning("batch rolled back, run again", group=self.group),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                await self._process_batch(records, producer)

    async def _process_batch(self, records: list[ConsumerRecord[bytes, bytes]], producer: AIOKafkaProducer) -> None:
        """One transaction per batch: applied together, or one savepoint per event when an event fails. Dead
        letters are sent once the batch is kept (a batch run again does not send its dead letters twice), before
        the consumer commits its offsets (a crash between the two dead-letters them again: at least once)."""
        outcomes: Counter[Outcome] = Counter()
        dead: list[tuple[ConsumerRecord[bytes, bytes], str]] = []
        events = self._decoded(records, outcomes, dead)
        async with pooled(self._pool) as conn, conn.transaction():
            together = await self._applied_together(conn, events)
            if together is None:
                for record, envelope in events:
                    outcomes[await self._process(conn, record, envelope, dead)] += 1
            else:
                outcomes.update(together)
        for record, reason in dead:
            await self._dead_letter(record, producer, reason)
        for outcome, count in outcomes.items():
            EVENTS_CONSUMED.labels(self.group, outcome.value).inc(count)
        self.applied += outcomes[Outcome.APPLIED]
        self.duplicates += outcomes[Outcome.DUPLICATE]
        self.dead_lettered += outcomes[Outcome.DEAD_LETTERED]

    def _decoded(
        self,
        records: list[ConsumerRecord[bytes, bytes]],
        outcomes: Counter[Outcome],
        dead: list[tuple[ConsumerRecord[bytes, bytes], str]],
    ) -> list[tuple[ConsumerRecord[bytes, bytes], Envelope]]:
        """The records the handler is for, decoded; the others are counted skipped, the undecodable dead-lettered."""
        events = []
        for record in records:
            if self._accepts is not None and not self._accepts(record):
                outcomes[Outcome.SKIPPED] += 1
                continue
            try:
                events.append((record, decode(record.headers, record.key, record.value)))
            except UndecodableEvent as error:
                dead.append((record, f"undecodable: {error}"))
                outcomes[Outcome.DEAD_LETTERED] += 1
        return events

    async def _applied_together(
        self, conn: asyncpg.Connection, events: list[tuple[ConsumerRecord[bytes, bytes], Envelope]]
    ) -> Counter[Outcome] | None:
        """The batch's events recorded with one statement and applied without a savepoint each; None, with nothing
        kept, when one of them failed or the batch holds two copies of an event."""
        if not events or len({envelope.id for _, envelope in events}) < len(events):
            return None
        digests = {envelope.id: _digest(record) for record, envelope in events}
        await conn.execute("SAVEPOINT together")
        try:
            first = {
                row["event_id"]
                for row in await conn.fetch(
                    "INSERT INTO processed_events (consumer, event_id, digest)"
                    " SELECT $1, event_id, digest FROM unnest($2::uuid[], $3::bytea[]) AS e (event_id, digest)"
                    " ON CONFLICT DO NOTHING RETURNING event_id",
                    self.group,
                    list(digests),
                    list(digests.values()),
                )
            }
            if self._readers is None:  # the schema's tables and who reads them: asked once
                self._readers = await readers_of_tables(conn)
            fresh = [envelope for _, envelope in events if envelope.id in first]
            behind = WriteBehind(conn, HeldInserts(self._readers), bold=True, about=fresh)
            facts = behind.connection()
            with joined_without_savepoints():
                for envelope in fresh:
                    with tracing.span(envelope.traceparent):
                        await self._handler(facts, envelope)
            await behind.write_held()
        except INFRASTRUCTURE_ERRORS + (ROLLED_BACK,):
            raise
        except Exception:  # noqa: BLE001 - whichever event failed, one at a time finds it and deals with it alone
            await conn.execute("ROLLBACK TO SAVEPOINT together; RELEASE SAVEPOINT together")
            return None
        await conn.execute("RELEASE SAVEPOINT together")
        await self._conflicting_copies(conn, {i: d for i, d in digests.items() if i not in first})
        return Counter({Outcome.APPLIED: len(first), Outcome.DUPLICATE: len(events) - len(first)})

    async def _conflicting_copies(self, conn: asyncpg.Connection, duplicates: dict[UUID, bytes]) -> None:
        """Logs each duplicate whose content differs from the copy applied first (the first delivery counts)."""
        if not duplicates:
            return
        rows = await conn.fetch(
            "SELECT event_id, digest FROM processed_events WHERE consumer = $1 AND event_id = ANY($2::uuid[])",
            self.group,
            list(duplicates),
        )
        for row in rows:
            if bytes(row["digest"]) != duplicates[row["event_id"]]:
                log.warning("conflicting copy of an event ignored", group=self.group, event_id=str(row["event_id"]))

    async def _process(
        self,
        conn: asyncpg.Connection,
        record: ConsumerRecord[bytes, bytes],
        envelope: Envelope,
        dead: list[tuple[ConsumerRecord[bytes, bytes], str]],
    ) -> Outcome:
        last_error: Exception | None = None
        for _attempt in range(self._max_attempts):
            try:
                async with conn.transaction():
                    return await self._apply_once(conn, envelope, _digest(record))
            except INFRASTRUCTURE_ERRORS + (ROLLED_BACK,):
                raise
            except RejectedEvent as error:
                last_error = error
                break
            except Exception as error:  # any other failure is this event's; retried, then dead-lettered
                last_error = error
                log.warning("handler failed", group=self.group, event_id=str(envelope.id), error=repr(error))
        dead.append((record, f"handler failed: {last_error!r}"))
        return Outcome.DEAD_LETTERED

    async def _apply_once(self, conn: asyncpg.Connection, envelope: Envelope, digest: bytes) -> Outcome:
        first = await conn.fetchval(
            "INSERT INTO processed_events (consumer, event_id, digest) VALUES ($1, $2, $3)"
            " ON CONFLICT DO NOTHING RETURNING true",
            self.group,
            envelope.id,
            digest,
        )
        if first:
            with tracing.span(envelope.traceparent):
                await self._handler(conn, envelope)
            return Outcome.APPLIED
        seen = await conn.fetchval(
            "SELECT digest FROM processed_events WHERE consumer = $1 AND event_id = $2", self.group, envelope.id
        )
        if seen != digest:
            log.warning("conflicting copy of an event ignored", group=self.group, event_id=str(envelope.id))
        return Outcome.DUPLICATE

    async def _dead_letter(self, record: ConsumerRecord[bytes, bytes], producer: AIOKafkaProducer, reason: str) -> None:
        headers = [
            *record.headers,
            ("dlq_reason", reason.encode()[:4000]),
            ("dlq_consumer_group", self.group.encode()),
            ("dlq_topic", record.topic.encode()),
            ("dlq_partition", str(record.partition).encode()),
            ("dlq_offset", str(record.offset).encode()),
            ("dlq_failed_at", datetime.now(UTC).isoformat().encode()),
        ]
        await producer.send_and_wait(self.dead_letter_topic, key=record.key, value=record.value, headers=headers)
        log.error("event dead-lettered", group=self.group, topic=record.topic, offset=record.offset, reason=reason)


async def _lag(consumer: AIOKafkaConsumer) -> int:
    """Records between the consumer's position and the end of its partitions, from the last fetch's high waters."""
    lag = 0
    for partition in consumer.assignment():
        highwater = consumer.highwater(partition)
        if highwater is not None:
            lag += max(0, highwater - await consumer.position(partition))
    return lag


async def run_forever(consumer: IdempotentConsumer, restart_seconds: float = 1.0) -> None:
    """Run a consumer, restarting it after infrastructure failures (it resumes from its last commit)."""
    while True:
        try:
            await consumer.run()
        except asyncio.CancelledError:
            raise
        except INFRASTRUCTURE_ERRORS + (Exception,) as error:
            log.warning("consumer restarting", group=consumer.group, error=repr(error))
            await asyncio.sleep(restart_seconds)
