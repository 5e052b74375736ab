"""Reading one topic from a chosen position, outside any consumer group.

Without `follow` the read ends at the end offsets seen when it started, so a busy topic still gives a finite answer;
with `follow` it goes on until the caller stops. Order is Kafka's: per partition, not across partitions.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition

from shared.ops.broker import admin_client, offset_ranges, partitions_of_topic, topic_reader
from shared.ops.errors import NotFound

POLL_MS = 500


class StartAt(StrEnum):
    BEGINNING = "beginning"
    END = "end"
    OFFSET = "offset"
    LAST = "last"


@dataclass(frozen=True)
class Start:
    """Where reading starts in each partition: `value` is the offset (OFFSET) or the count of records (LAST)."""

    at: StartAt = StartAt.BEGINNING
    value: int = 0

    def offset_in(self, first: int, end: int) -> int:
        match self.at:
            case StartAt.BEGINNING:
                return first
            case StartAt.END:
                return end
            case StartAt.OFFSET:
                return min(max(self.value, first), end)
            case StartAt.LAST:
                return max(first, end - self.value)


@dataclass(frozen=True)
class StoredRecord:
    topic: str
    partition: int
    offset: int
    timestamp: datetime
    key: bytes | None
    value: bytes | None
    headers: tuple[tuple[str, bytes], ...]

    def header(self, name: str) -> str | None:
        found = next((value for key, value in self.headers if key == name), None)
        return found.decode(errors="replace") if found is not None else None

    @classmethod
    def of(cls, record: ConsumerRecord[bytes, bytes]) -> StoredRecord:
        return cls(
            topic=record.topic,
            partition=record.partition,
            offset=record.offset,
            timestamp=datetime.fromtimestamp(record.timestamp / 1000, UTC),
            key=record.key,
            value=record.value,
            headers=tuple(record.headers),
        )


async def read_topic(
    bootstrap: str, topic: str, start: Start | None = None, *, partition: int | None = None, follow: bool = False
) -> AsyncGenerator[StoredRecord, None]:
    async with admin_client(bootstrap) as admin:
        numbers = await partitions_of_topic(admin, topic)
    if partition is not None and partition not in numbers:
        raise NotFound(f"{topic} has no partition {partition}", f"its partitions are 0 to {max(numbers)}")
    assigned = [TopicPartition(topic, n) for n in numbers if partition in (None, n)]
    async with topic_reader(bootstrap) as consumer:
        consumer.assign(assigned)
        ranges = await offset_ranges(consumer, assigned)
        for tp, (first, end) in ranges.items():
            consumer.seek(tp, (start or Start()).offset_in(first, end))
        stop_at = None if follow else {tp: end for tp, (_first, end) in ranges.items()}
        async with contextlib.aclosing(_records(consumer, stop_at)) as records:
            async for record in records:
                yield record


async def _records(
    consumer: AIOKafkaConsumer, stop_at: dict[TopicPartition, int] | None
) -> AsyncGenerator[StoredRecord, None]:
    pending = dict(stop_at) if stop_at is not None else None
    while True:
        if pending is not None:
            for tp in [tp for tp, end in pending.items() if await consumer.position(tp) >= end]:
                consumer.pause(tp)
                del pending[tp]
            if not pending:
                return
        batches = await consumer.getmany(timeout_ms=POLL_MS)
        for tp, records in batches.items():
            for record in records:
                if pending is None or record.offset < pending.get(tp, -1):
                    yield StoredRecord.of(record)
