"""Idempotent consumption: each event's effect and its event id commit in one transaction.

A redelivered event finds its id recorded and changes nothing; a copy with other content is logged as a
conflict (DOMAIN.md: the first delivery of an id counts). A record that cannot be decoded, or whose handler
keeps failing, goes to the group's dead-letter topic with the reason in headers, and consumption goes on.
Each polled batch of a partition is applied in one transaction (a savepoint per event), and offsets are
committed only after it commits, so a crash redelivers, never skips.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime
from enum import StrEnum

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
        """One transaction per batch, one savepoint per event: a failing event rolls back alone. Dead letters are
        sent once the batch is kept (a batch run again does not send its dead letters twice), before the consumer
        commits its offsets (a crash between the two dead-letters them again: at least once)."""
        outcomes: Counter[Outcome] = Counter()
        dead: list[tuple[ConsumerRecord[bytes, bytes], str]] = []
        async with pooled(self._pool) as conn, conn.transaction():
            for record in records:
                outcomes[await self._process(conn, record, dead)] += 1
        for record, reason in dead:
            await self._dead_letter(record, producer, reason)
        for outcome, count in outcomes.items():
            EVENTS_CONSUMED.labels(self.group, outcome.value).inc(count)
        self.applied += outcomes[Outcome.APPLIED]
        self.duplicates += outcomes[Outcome.DUPLICATE]
        self.dead_lettered += outcomes[Outcome.DEAD_LETTERED]

    async def _process(
        self,
        conn: asyncpg.Connection,
        record: ConsumerRecord[bytes, bytes],
        dead: list[tuple[ConsumerRecord[bytes, bytes], str]],
    ) -> Outcome:
        if self._accepts is not None and not self._accepts(record):
            return Outcome.SKIPPED
        try:
            envelope = decode(record.headers, record.key, record.value)
        except UndecodableEvent as error:
            dead.append((record, f"undecodable: {error}"))
            return Outcome.DEAD_LETTERED
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
