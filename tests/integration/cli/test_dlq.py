"""A poison event shows in `cycle dlq list` with its reason; after the fix, `cycle dlq replay` applies it once,
and a second replay publishes no second copy."""

from __future__ import annotations

import asyncio
from collections import Counter
from uuid import uuid4

import asyncpg
from aiokafka import AIOKafkaConsumer, TopicPartition

from shared.contracts.envelope import Envelope
from shared.messaging.consumer import IdempotentConsumer, RejectedEvent
from tests.conftest import TEST_PARTITIONS
from tests.integration.cli.conftest import Cycle, applied_ids, consuming
from tests.support.backbone import record_applied, withdrawal
from tests.support.kafka import Record, envelopes, publish, read_all
from tests.support.waiting import eventually


def rejecting_until(fixed: asyncio.Event):
    async def handle(conn: asyncpg.Connection, envelope: Envelope) -> None:
        if not fixed.is_set():
            raise RejectedEvent(f"{envelope.type} {envelope.id}: the class is not known yet")
        await record_applied(conn, envelope)

    return handle


async def test_a_poison_event_is_listed_with_its_reason_and_replayed_once_after_the_fix(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str, cycle: Cycle
):
    topic = f"{topic_namespace}cycle.training"
    fixed = asyncio.Event()
    consumer = IdempotentConsumer(
        group=f"{topic_namespace}employment.upstream",
        topics=[topic],
        bootstrap=kafka_bootstrap,
        pool=pool,
        handler=rejecting_until(fixed),
        topic_namespace=topic_namespace,
    )
    poison, healthy = withdrawal(uuid4(), 1), withdrawal(uuid4(), 2)
    await publish(kafka_bootstrap, topic, poison, healthy)

    async with consuming(consumer):
        await eventually(lambda: _dead_lettered(consumer, 2))
        fixed.set()
        listed = {entry["event_id"]: entry for entry in await cycle.json("dlq", "list")}
        assert set(listed) == {str(poison.id), str(healthy.id)}
        letter = listed[str(poison.id)]
        assert letter["reason"].startswith("handler failed: RejectedEvent(")
        assert "the class is not known yet" in letter["reason"]
        assert (letter["group"], letter["source_topic"], letter["replayed"]) == (consumer.group, topic, False)
        ref = f"{letter['partition']}:{letter['offset']}"
        shown = await cycle.json("dlq", "show", consumer.group, ref)
        assert shown["event"]["id"] == str(poison.id)
        assert shown["headers"]["dlq_consumer_group"] == consumer.group

        first = await cycle.json("dlq", "replay", consumer.group, ref)
        assert [entry["result"] for entry in first] == ["replayed"]
        await eventually(lambda: _equals(applied_ids(pool), [poison.id]))

        second = await cycle.json("dlq", "replay", letter["dead_letter_topic"])
        assert {e["event_id"]: e["result"] for e in second} == {
            str(poison.id): "already replayed",
            str(healthy.id): "replayed",
        }
        await eventually(lambda: _equals(applied_ids(pool), [poison.id, healthy.id]))
        third = await cycle.json("dlq", "replay", consumer.group)
        assert {e["result"] for e in third} == {"already replayed"}

    copies = [e.id for e in envelopes(await read_all(kafka_bootstrap, [topic], at_least=4))]
    assert sorted(map(str, copies)) == sorted(map(str, [poison.id, poison.id, healthy.id, healthy.id])), (
        "each dead letter was published once more, however often replay ran"
    )
    assert sorted(await applied_ids(pool)) == sorted([poison.id, healthy.id])
    assert consumer.dead_lettered == 2, "the replayed copies were applied, not dead-lettered again"
    assert {entry["replayed"] for entry in await cycle.json("dlq", "list", consumer.group)} == {True}
    human = await cycle("dlq", "list")
    assert human.returncode == 0, human.stderr
    assert f"{consumer.group} │ 0:0" in human.stdout
    assert f"handler failed: RejectedEvent('Withdrawn {poison.id}: the class" in human.stdout


async def _dead_lettered(consumer: IdempotentConsumer, count: int) -> bool:
    return consumer.dead_lettered >= count


async def _equals(value, expected) -> bool:
    return sorted(await value) == sorted(expected)


async def test_two_replays_at_once_publish_each_dead_letter_once(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str, cycle: Cycle
):
    topic = f"{topic_namespace}cycle.training"
    consumer = IdempotentConsumer(
        group=f"{topic_namespace}training.roster",
        topics=[topic],
        bootstrap=kafka_bootstrap,
        pool=pool,
        handler=rejecting_until(asyncio.Event()),  # never fixed: the copies are dead-lettered again, not applied
        topic_namespace=topic_namespace,
    )
    events = [withdrawal(uuid4()) for _ in range(30)]
    await publish(kafka_bootstrap, topic, *events)
    async with consuming(consumer):
        await eventually(lambda: _dead_lettered(consumer, len(events)))

    results = await asyncio.gather(*(cycle("dlq", "replay", consumer.group, "--json") for _ in range(2)))

    for result in results:
        assert result.returncode == 0 or "took over" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    copies = Counter(str(e.id) for e in envelopes(await read_committed(kafka_bootstrap, topic)))
    assert copies == {str(e.id): 2 for e in events}, "the original and exactly one replayed copy of each"


async def read_committed(bootstrap: str, topic: str) -> list[Record]:
    """What the product's consumers see: an aborted replay's copy is not among them."""
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, isolation_level="read_committed", enable_auto_commit=False)
    await consumer.start()
    try:
        partitions = [TopicPartition(topic, p) for p in range(TEST_PARTITIONS)]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        ends = await consumer.end_offsets(partitions)
        records: list[Record] = []
        while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
            for batch in (await consumer.getmany(timeout_ms=500)).values():
                records += [Record(r.topic, r.key, r.value, dict(r.headers)) for r in batch]
        return records
    finally:
        await consumer.stop()
