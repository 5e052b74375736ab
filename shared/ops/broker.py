"""Short-lived broker connections for one operator command.

Every command gets the same bounded wait for the bootstrap address, and "cannot connect" becomes BrokerUnreachable
instead of aiokafka's own exception tree. The offset reader joins no consumer group: looking changes no offsets.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Iterable

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import (
    KafkaConnectionError,
    KafkaError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
    UnknownTopicOrPartitionError,
)

from shared.ops.errors import BrokerRefused, BrokerUnreachable, NotFound

CONNECT_SECONDS = 10.0
REQUEST_TIMEOUT_MS = 15_000
UNREACHABLE: tuple[type[BaseException], ...] = (
    KafkaConnectionError,
    KafkaTimeoutError,
    NodeNotReadyError,
    RequestTimedOutError,
    OSError,
    TimeoutError,
)


@contextlib.asynccontextmanager
async def reachable(bootstrap: str) -> AsyncIterator[None]:
    """Kafka's errors as operator errors: unreachable, or any other refusal (never a traceback)."""
    try:
        yield
    except UNREACHABLE as error:
        raise BrokerUnreachable(bootstrap, error) from error
    except KafkaError as error:
        raise BrokerRefused(bootstrap, error) from error


@contextlib.asynccontextmanager
async def admin_client(bootstrap: str) -> AsyncIterator[AIOKafkaAdminClient]:
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=REQUEST_TIMEOUT_MS)
    try:
        async with reachable(bootstrap):
            await asyncio.wait_for(admin.start(), CONNECT_SECONDS)
            yield admin
    finally:
        await admin.close()


@contextlib.asynccontextmanager
async def topic_reader(bootstrap: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer outside any group, reading what the product's consumers see (committed transactions only)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        isolation_level="read_committed",
        request_timeout_ms=REQUEST_TIMEOUT_MS,
    )
    try:
        async with reachable(bootstrap):
            await asyncio.wait_for(consumer.start(), CONNECT_SECONDS)
            yield consumer
    finally:
        await consumer.stop()


async def partitions_of(admin: AIOKafkaAdminClient, topics: Iterable[str]) -> dict[str, list[int]]:
    """Partition numbers of each topic the broker knows (a topic deleted meanwhile is left out)."""
    described = await admin.describe_topics(list(topics))
    return {
        topic["topic"]: sorted(p["partition"] for p in topic["partitions"])
        for topic in described
        if topic["error_code"] != UnknownTopicOrPartitionError.errno
    }


async def partitions_of_topic(admin: AIOKafkaAdminClient, topic: str) -> list[int]:
    partitions = (await partitions_of(admin, [topic])).get(topic)
    if not partitions:
        raise NotFound(f"no topic {topic!r} on the broker", "`cycle topics` lists the topics")
    return partitions


def topic_partitions(partitions: dict[str, list[int]]) -> list[TopicPartition]:
    return [TopicPartition(topic, p) for topic, numbers in partitions.items() for p in numbers]


async def offset_ranges(
    consumer: AIOKafkaConsumer, partitions: list[TopicPartition]
) -> dict[TopicPartition, tuple[int, int]]:
    """(first offset still kept, end offset) of each partition; the end is the next offset to be written."""
    if not partitions:
        return {}
    starts = await consumer.beginning_offsets(partitions)
    ends = await consumer.end_offsets(partitions)
    return {tp: (starts[tp], ends[tp]) for tp in partitions}
