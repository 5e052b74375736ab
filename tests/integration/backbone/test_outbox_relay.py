from __future__ import annotations

import asyncio
import contextlib
from uuid import uuid4

import asyncpg

from shared.contracts.base import Evidence
from shared.contracts.corrections import EventRetracted
from shared.contracts.envelope import Envelope
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


async def test_an_event_the_broker_refuses_for_good_is_dead_lettered_and_the_events_after_it_flow(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str, topic_namespace: str
):
    partnership = uuid4()
    before, after = withdrawal(partnership, 1), withdrawal(partnership, 3)
    oversized = Envelope.wrap(
        EventRetracted(reason="x" * 2_000_000),
        source="/services/training",
        occurred_on=before.occurred_on,
        partnership_id=partnership,
        evidence=Evidence.SCHOOL_RECORD,
        supersedes=before.id,
    )
    await write_events(pool, outbox, [before, oversized, after])

    async with running(OutboxRelay(database_url, schema, kafka_bootstrap)) as relay:
        records = await read_all(kafka_bootstrap, [f"{topic_namespace}cycle.training"], at_least=2)
        assert relay.dead_lettered == 1

    assert [r.envelope().id for r in records] == [before.id, after.id]
    dead = await pool.fetchrow("SELECT event_id, event_type, reason FROM outbox_dead_letters")
    assert (dead["event_id"], dead["event_type"]) == (oversized.id, "EventRetracted")
    assert "MessageSizeTooLarge" in dead["reason"]
    backlog = await pool.fetchval("SELECT count(*) FROM outbox WHERE published_at IS NULL AND dead_lettered_at IS NULL")
    assert backlog == 0
