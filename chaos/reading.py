"""Reading whole topics: every record from the beginning up to the end offsets taken when reading starts."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient


async def read_to_end(bootstrap: str, chosen: Callable[[str], bool]) -> AsyncIterator[ConsumerRecord[bytes, bytes]]:
    """The records of every topic `chosen` accepts, without a consumer group (nothing is committed)."""
    partitions = await partitions_of(bootstrap, chosen)
    if not partitions:
        return
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        while await _behind(consumer, ends):
            for records in (await consumer.getmany(timeout_ms=1000, max_records=5000)).values():
                for record in records:
                    yield record
    finally:
        await consumer.stop()


async def partitions_of(bootstrap: str, chosen: Callable[[str], bool]) -> list[TopicPartition]:
    """Every partition of the topics `chosen` accepts (the consumer's own metadata knows only what it reads)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        topics = sorted(topic for topic in await admin.list_topics() if chosen(topic))
        described = await admin.describe_topics(topics) if topics else []
    finally:
        await admin.close()
    return [TopicPartition(t["topic"], p["partition"]) for t in described for p in t["partitions"]]


async def _behind(consumer: AIOKafkaConsumer, ends: dict[TopicPartition, int]) -> bool:
    for partition, end in ends.items():
        if await consumer.position(partition) < end:
            return True
    return False
