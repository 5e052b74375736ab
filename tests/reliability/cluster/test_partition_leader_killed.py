"""A three-broker cluster (replication 3, min.insync.replicas 2): the leader of a partition is SIGKILLed while the
outbox relay produces and the idempotent consumer consumes; nothing is lost and nothing is applied twice."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from uuid import uuid4

import asyncpg
import pytest
from aiokafka.admin import AIOKafkaAdminClient
from aiokafka.errors import KafkaError

from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.infra.kafka_cluster import LocalKafkaCluster
from shared.messaging.consumer import IdempotentConsumer, run_forever
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay, RelaySettings
from shared.messaging.topics import ensure_topics, product_topics
from tests.support.backbone import record_applied, withdrawal, write_events
from tests.support.kafka import read_all
from tests.support.waiting import eventually

EVENTS = 3_000
PER_TRANSACTION = 10
PARTITIONS = 3

pytestmark = pytest.mark.slow


@contextlib.asynccontextmanager
async def running(*coroutines: object) -> AsyncIterator[list[asyncio.Task[None]]]:
    tasks = [asyncio.create_task(c) for c in coroutines]  # type: ignore[arg-type]
    try:
        yield tasks
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


async def partition_leader(bootstrap: str, topic: str, partition: int) -> tuple[int, list[int]]:
    """The node leading `partition` of `topic`, and the replicas in sync with it; (-1, []) while the cluster does not
    describe the partition yet (a topic just created)."""
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        (described,) = await admin.describe_topics([topic])
    finally:
        await admin.close()
    found = [p for p in described["partitions"] if p["partition"] == partition]
    if not found:
        return -1, []
    return int(found[0]["leader"]), [int(node) for node in found[0]["isr"]]


async def _fully_replicated(bootstrap: str, topic: str) -> tuple[int, list[int]] | None:
    leader, in_sync = await partition_leader(bootstrap, topic, 0)
    return (leader, in_sync) if leader != -1 and sorted(in_sync) == [1, 2, 3] else None


async def write_under_load(pool: asyncpg.Pool, outbox: Outbox, events: list[Envelope], killed: asyncio.Event) -> None:
    """Small transactions: half of them before the leader dies, half while the cluster fails over."""
    half = len(events) // 2
    for start in range(0, len(events), PER_TRANSACTION):
        if start == half:
            await killed.wait()
        await write_events(pool, outbox, events[start : start + PER_TRANSACTION])
        await asyncio.sleep(0.01)


async def test_killing_a_partition_leader_under_load_loses_and_duplicates_nothing(
    cluster: LocalKafkaCluster, pool: asyncpg.Pool, schema: str, database_url: str, test_id: str
) -> None:
    namespace = f"c{test_id}."
    topic = f"{namespace}cycle.training"
    await ensure_topics(cluster.bootstrap, product_topics(namespace), PARTITIONS)
    leader, _ = await eventually(lambda: _fully_replicated(cluster.bootstrap, topic), timeout=60)  # three in sync
    events = [withdrawal(uuid4(), day % 28 + 1) for day in range(EVENTS)]
    relay = OutboxRelay(database_url, schema, cluster.bootstrap, RelaySettings(retry_seconds=0.2))
    consumer = IdempotentConsumer(
        group=f"{namespace}cluster", topics=[topic], bootstrap=cluster.bootstrap, pool=pool, handler=record_applied
    )
    outbox = Outbox(schema, Stage.TRAINING, namespace)
    killed = asyncio.Event()

    writer = write_under_load(pool, outbox, events, killed)
    async with running(relay.run(), run_forever(consumer), writer) as tasks:
        writing = tasks[2]
        await eventually(lambda: _at_least(consumer.applied, EVENTS // 4), timeout=120)
        cluster.node(leader).kill()
        killed.set()
        new_leader, _ = await eventually(lambda: _moved(cluster, topic, leader), timeout=60)
        rejoining = asyncio.create_task(asyncio.to_thread(cluster.node(leader).start))
        await asyncio.wait_for(writing, timeout=300)
        await eventually(lambda: _applied(pool, EVENTS), timeout=180, interval=0.5)
        await rejoining

    applied = [row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")]
    assert len(applied) == len(set(applied)) == EVENTS, "each event applied exactly once"
    assert set(applied) == {event.id for event in events}
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == 0
    records = await read_all(cluster.bootstrap, [topic], at_least=EVENTS, timeout=120)
    assert {record.envelope().id for record in records} == {event.id for event in events}, "nothing lost"
    assert new_leader != leader


async def _at_least(count: int, wanted: int) -> bool:
    return count >= wanted


async def _moved(cluster: LocalKafkaCluster, topic: str, old: int) -> tuple[int, list[int]] | None:
    alive = ",".join(node.bootstrap for node in cluster.nodes if node.running)
    try:
        leader, in_sync = await partition_leader(alive, topic, 0)
    except KafkaError:  # the admin client may still try the dead node for metadata
        return None
    return (leader, in_sync) if leader not in (old, -1) else None


async def _applied(pool: asyncpg.Pool, count: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM applied") >= count
