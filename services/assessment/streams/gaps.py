"""Gaps: records faust fetched and dropped, read again before the record that revealed them (issue 13).

faust hands a partition's records over in offset order, but drops some under load: those it fetched while the
partition was paused for a recovery, and those a seek should have brought back while records of a batch fetched
before the seek were still being handed over (they raise its read offset past the re-fetched ones). The next record
then comes after a gap, and faust's commit either stops below the gap for good or moves past it. Seeking back did
not help for the same reason: the chaos test still missed 281 records so.

So the agent reads a gap itself, before it handles the record after it: a consumer of its own, outside the group,
reads the partition from the first offset missing up to that record, the assessor applies each record (idempotently:
one read twice is a duplicate), and faust's commit bookkeeping is told the offsets are done, as faust tells it of a
transaction's commit marker. A gap with no records in it is such a marker (`cycle dlq replay` writes in
transactions).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Protocol, cast

import structlog
from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from faust.transport.consumer import Consumer as FaustConsumer
from faust.types import TP
from tenacity import AsyncRetrying, retry_if_exception_type, wait_exponential

from services.assessment.runtime import Assessor, Headers
from services.assessment.streams.app import Worker

log = structlog.get_logger(__name__)
Done = Callable[[TP, int, int], Awaitable[None]]
_CHUNK = 2_000
_REPORT_EVERY_SECONDS = 30.0


class Applies(Protocol):
    """What a gap's records are handed to: the assessor."""

    def next_offset(self, topic: str, partition: int) -> int | None: ...

    async def handle(
        self, topic: str, partition: int, offset: int, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None: ...


async def fill_gap(bootstrap: str, assessor: Applies, tp: TP, start: int, end: int, done: Done) -> int:
    """Apply the records of `tp` from `start` up to `end` (excluded), then call `done`; returns how many there were."""
    applied = 0
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type((KafkaError, OSError)), wait=wait_exponential(0.1, max=5), reraise=True
    ):
        with attempt:
            resume = max(start, assessor.next_offset(tp.topic, tp.partition) or start)
            async for record in records_between(bootstrap, tp, resume, end):
                await assessor.handle(
                    record.topic, record.partition, record.offset, record.key, record.value, record.headers
                )
                applied += 1
    await done(tp, start, end)
    (log.warning if applied else log.info)(
        "assessment_gap_filled",
        topic=tp.topic,
        partition=tp.partition,
        missing_from=start,
        next=end,
        records=applied,
    )
    return applied


async def records_between(bootstrap: str, tp: TP, start: int, end: int) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """The records of `tp` at offsets `start` to `end` (excluded), read as faust's consumer reads them (uncommitted
    ones too); offsets the log no longer holds, or that hold a commit marker, yield nothing."""
    partition = TopicPartition(tp.topic, tp.partition)
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
        isolation_level="read_uncommitted",
    )
    await consumer.start()
    try:
        consumer.assign([partition])
        consumer.seek(partition, start)
        reported = time.monotonic()
        while await consumer.position(partition) < end:
            batches = await consumer.getmany(partition, timeout_ms=1_000, max_records=_CHUNK)
            for record in batches.get(partition, []):
                if start <= record.offset < end:
                    yield record
            if time.monotonic() - reported > _REPORT_EVERY_SECONDS:
                reported = time.monotonic()
                log.warning("assessment_gap_still_reading", topic=tp.topic, partition=tp.partition, end=end)
    finally:
        await consumer.stop()


def gap_filler(worker: Worker) -> Callable[[Assessor, TP, int, int], Awaitable[int]]:
    """`fill_gap` for this worker: faust's own consumer counts the filled offsets as acknowledged."""
    consumer = cast(FaustConsumer, worker.app.consumer)

    async def done(tp: TP, start: int, end: int) -> None:
        await consumer._add_gap(tp, start, end - 1)  # faust's own call for the offsets of commit markers

    async def fill(assessor: Assessor, tp: TP, start: int, end: int) -> int:
        return await fill_gap(worker.settings.kafka_bootstrap_servers, assessor, tp, start, end, done)

    return fill
