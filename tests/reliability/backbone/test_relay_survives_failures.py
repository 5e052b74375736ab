"""The outbox loses nothing when the broker is down or the relay dies, and consumers absorb the copies."""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from uuid import uuid4

import asyncpg

from shared.infra.kafka_local import LocalKafka
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay, RelaySettings
from shared.messaging.topics import ensure_topics, product_topics
from tests.conftest import TEST_PARTITIONS
from tests.support.backbone import record_applied, withdrawal, write_events
from tests.support.kafka import read_all
from tests.support.waiting import eventually


@contextlib.asynccontextmanager
async def running(*workers):
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    try:
        yield
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)


def consumer(pool: asyncpg.Pool, bootstrap: str, topic: str, namespace: str) -> IdempotentConsumer:
    return IdempotentConsumer(
        group=f"{namespace}reliability", topics=[topic], bootstrap=bootstrap, pool=pool, handler=record_applied
    )


async def applied_ids(pool: asyncpg.Pool) -> list:
    return [row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied ORDER BY event_id")]


async def test_events_written_while_the_broker_is_down_are_delivered_once_after_it_returns(
    pool: asyncpg.Pool,
    outbox: Outbox,
    schema: str,
    database_url: str,
    controllable_broker: LocalKafka,
    topic_namespace: str,
):
    bootstrap = controllable_broker.bootstrap
    topic = f"{topic_namespace}cycle.training"
    # The namespace's topics exist on the session's broker; this one may be another (a shared broker in the env).
    await ensure_topics(bootstrap, product_topics(topic_namespace), TEST_PARTITIONS)
    events = [withdrawal(uuid4(), day) for day in range(1, 6)]
    relay = OutboxRelay(database_url, schema, bootstrap, RelaySettings(retry_seconds=0.2, request_timeout_ms=3000))

    controllable_broker.stop()
    try:
        await write_events(pool, outbox, events)
        async with running(relay):
            await eventually(lambda: _unpublished_for_a_while(pool, relay), timeout=10)
            controllable_broker.start()
            await eventually(lambda: _published(relay, len(events)), timeout=60)
    finally:
        if not controllable_broker.running:
            controllable_broker.start()

    records = await read_all(bootstrap, [topic], at_least=len(events))
    assert sorted(str(r.envelope().id) for r in records) == sorted(str(e.id) for e in events), "each exactly once"
    async with running(consumer(pool, bootstrap, topic, topic_namespace)):
        await eventually(lambda: _count(pool, len(events)))
    assert sorted(await applied_ids(pool)) == sorted(e.id for e in events)


async def test_a_relay_killed_between_publish_and_mark_loses_nothing_and_copies_are_absorbed(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str, topic_namespace: str
):
    topic = f"{topic_namespace}cycle.training"
    events = [withdrawal(uuid4(), day) for day in range(1, 8)]
    await write_events(pool, outbox, events)

    crashing = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "tests.reliability.backbone.crashing_relay", database_url, schema, kafka_bootstrap
    )
    assert await asyncio.wait_for(crashing.wait(), timeout=60) == -signal.SIGKILL
    assert await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") == len(events)

    relay = OutboxRelay(database_url, schema, kafka_bootstrap)
    absorbing = consumer(pool, kafka_bootstrap, topic, topic_namespace)
    async with running(relay, absorbing):
        await eventually(lambda: _published(relay, len(events)))
        await eventually(lambda: _duplicates(absorbing, len(events)))

    records = await read_all(kafka_bootstrap, [topic], at_least=2 * len(events))
    assert len(records) == 2 * len(events), "published by the killed relay, then again after restart"
    assert sorted(await applied_ids(pool)) == sorted(e.id for e in events), "each applied exactly once"
    assert absorbing.applied == len(events)


async def _unpublished_for_a_while(pool: asyncpg.Pool, relay: OutboxRelay) -> bool:
    return relay.published == 0 and await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL") > 0


async def _published(relay: OutboxRelay, count: int) -> bool:
    return relay.published >= count


async def _duplicates(consumer: IdempotentConsumer, count: int) -> bool:
    return consumer.duplicates >= count


async def _count(pool: asyncpg.Pool, count: int) -> bool:
    return await pool.fetchval("SELECT count(*) FROM applied") >= count
