from __future__ import annotations

import asyncio
import contextlib
from uuid import uuid4

import asyncpg

from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay, RelaySettings
from tests.support.backbone import withdrawal, write_events
from tests.support.kafka import read_all
from tests.support.waiting import eventually


@contextlib.asynccontextmanager
async def running(relay: OutboxRelay):
    task = asyncio.create_task(relay.run())
    try:
        yield relay
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def test_events_round_trip_through_the_broker_with_their_cloudevents_headers(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str, topic_namespace: str
):
    partnership = uuid4()
    events = [withdrawal(partnership, day) for day in (1, 2, 3)]
    await write_events(pool, outbox, events)

    async with running(OutboxRelay(database_url, schema, kafka_bootstrap)):
        records = await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=3)

    assert [r.envelope() for r in records] == events, "same events, same order, nothing lost or added"
    first = records[0]
    assert first.key == str(partnership).encode()
    assert first.headers["ce_specversion"] == b"1.0"
    assert first.headers["ce_type"] == b"cycle.Withdrawn"
    assert first.headers["ce_id"] == str(events[0].id).encode()
    assert first.headers["ce_partitionkey"] == str(partnership).encode()
    assert first.headers["content-type"] == b"application/json"
    unpublished = await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL")
    assert unpublished == 0


async def test_a_notification_wakes_the_relay_without_waiting_for_its_poll(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str
):
    relay = OutboxRelay(database_url, schema, kafka_bootstrap, RelaySettings(idle_poll_seconds=3600))
    async with running(relay):
        await eventually(lambda: _listening(relay), timeout=30)
        await write_events(pool, outbox, [withdrawal(uuid4())])
        await eventually(lambda: _published(relay, 1), timeout=10)


async def _listening(relay: OutboxRelay) -> bool:
    return relay.listening


async def _published(relay: OutboxRelay, count: int) -> bool:
    return relay.published >= count
