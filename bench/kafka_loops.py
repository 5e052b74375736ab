"""Raw aiokafka loops, the anchors our Kafka paths are divided by: a produce loop with the relay's producer, and a
consume loop that reads (and decodes) every record of some topics from the start."""

from __future__ import annotations

import time
from collections.abc import Sequence

from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from bench.environment import BenchEnv
from bench.stats import Throughput
from bench.workload import Message
from services.assessment.rebuild import end_offsets, partitions_of
from services.assessment.streams.topics import listed
from shared.messaging.codec import decode
from shared.messaging.relay import idempotent_producer
from shared.messaging.topics import ensure_topics


async def produce_loop(env: BenchEnv, messages: Sequence[Message]) -> Throughput:
    """A raw aiokafka loop with the relay's producer: send every record, then await every acknowledgement."""
    topics = sorted({m.topic for m in messages})
    await ensure_topics(env.bootstrap, topics, env.partitions)
    await listed(env.bootstrap, topics, env.partitions, timeout=60)  # leaders elected: no retries timed
    # ... and leading: a broker named leader in the metadata refused produce requests for a moment after (the run
    # of 2026-12-02 14:24 UTC: NotLeaderForPartition retries took a third off this anchor); ListOffsets, which only
    # the leader answers, is retried until each does.
    await end_offsets(env.bootstrap, topics)
    producer = idempotent_producer(env.bootstrap)
    await producer.start()
    try:
        started = time.perf_counter()
        pending = [await producer.send(m.topic, key=m.key, value=m.value, headers=m.headers) for m in messages]
        for delivery in pending:
            await delivery
        return Throughput(len(messages), time.perf_counter() - started)
    finally:
        await producer.stop()


async def consume_loop(env: BenchEnv, topics: Sequence[str], *, decoding: bool) -> Throughput:
    """Every record of `topics` from the start, read (and decoded into an Envelope with shared/messaging/codec.py
    when `decoding`) by one aiokafka consumer with assigned partitions."""
    ends = await end_offsets(env.bootstrap, list(topics))
    expected = sum(ends.values())
    consumer = AIOKafkaConsumer(bootstrap_servers=env.bootstrap, enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(t, p) for t in topics for p in sorted(await partitions_of(consumer, t))]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        seen, started = 0, time.perf_counter()
        while seen < expected:
            batches = await consumer.getmany(timeout_ms=1000, max_records=5000)
            for records in batches.values():
                if decoding:
                    for record in records:
                        decode(record.headers, record.key, record.value)
                seen += len(records)
        return Throughput(seen, time.perf_counter() - started)
    finally:
        await consumer.stop()
