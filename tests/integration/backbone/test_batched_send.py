"""Records sent a batch at a time land where `send()` would put them, in order, and a refusal stays the record's."""

from __future__ import annotations

from aiokafka import AIOKafkaConsumer
from aiokafka.errors import MessageSizeTooLargeError

from shared.messaging.batches import outcomes, send_batched
from shared.messaging.relay import idempotent_producer
from tests.conftest import TEST_PARTITIONS


async def _partitions_and_order(bootstrap: str, topic: str, expected: int) -> dict[bytes, list[tuple[int, bytes]]]:
    consumer = AIOKafkaConsumer(topic, bootstrap_servers=bootstrap, auto_offset_reset="earliest")
    await consumer.start()
    seen: dict[bytes, list[tuple[int, bytes]]] = {}
    try:
        count = 0
        while count < expected:
            for batch in (await consumer.getmany(timeout_ms=1000)).values():
                for record in batch:
                    seen.setdefault(record.key, []).append((record.partition, record.value))
                    count += 1
    finally:
        await consumer.stop()
    return seen


async def test_each_key_lands_in_the_partition_send_chooses_in_the_order_given(kafka_bootstrap: str, topic_namespace):
    keys = [f"partnership-{n}".encode() for n in range(40)]
    records = [(f"{topic_namespace}cycle.assessment.figures", keys[n % 40], f"{n}".encode(), []) for n in range(4_000)]
    one_by_one = f"{topic_namespace}cycle.assessment.alerts"
    producer = idempotent_producer(kafka_bootstrap)
    await producer.start()
    try:
        results = await outcomes(await send_batched(producer, records))
        for key in keys:
            await producer.send_and_wait(one_by_one, key=key, value=b"x")
    finally:
        await producer.stop()

    assert not [r for r in results if isinstance(r, BaseException)]
    batched = await _partitions_and_order(kafka_bootstrap, records[0][0], len(records))
    single = await _partitions_and_order(kafka_bootstrap, one_by_one, len(keys))
    partition_of = {key: p for key, [(p, _)] in single.items()}
    assert {key: {p for p, _ in seen} for key, seen in batched.items()} == {k: {p} for k, p in partition_of.items()}
    assert len(set(partition_of.values())) == TEST_PARTITIONS, "the keys spread over every partition"
    for n, key in enumerate(keys):
        assert [v for _, v in batched[key]] == [f"{m}".encode() for m in range(n, 4_000, 40)]


async def test_a_record_too_large_is_refused_alone(kafka_bootstrap: str, topic_namespace: str):
    topic = f"{topic_namespace}cycle.assessment.alerts"
    records = [(topic, b"k", b"before", []), (topic, b"k", b"x" * 2_000_000, []), (topic, b"k", b"after", [])]
    producer = idempotent_producer(kafka_bootstrap)
    await producer.start()
    try:
        before, large, after = await outcomes(await send_batched(producer, records))
    finally:
        await producer.stop()
    assert isinstance(large, MessageSizeTooLargeError)
    assert not isinstance(before, BaseException)
    assert not isinstance(after, BaseException)
    assert [v for _, v in (await _partitions_and_order(kafka_bootstrap, topic, 2))[b"k"]] == [b"before", b"after"]
