from __future__ import annotations

import asyncio
import contextlib
import json
from uuid import uuid4

import asyncpg

from shared.messaging.codec import encode
from shared.messaging.consumer import IdempotentConsumer
from tests.support.backbone import record_applied, withdrawal
from tests.support.kafka import publish, publish_raw, read_all
from tests.support.waiting import eventually


def consumer_of(pool: asyncpg.Pool, kafka_bootstrap: str, topic: str, namespace: str) -> IdempotentConsumer:
    return IdempotentConsumer(
        group=f"{namespace}test-consumer",
        topics=[topic],
        bootstrap=kafka_bootstrap,
        pool=pool,
        handler=record_applied,
        topic_namespace=namespace,
    )


@contextlib.asynccontextmanager
async def consuming(consumer: IdempotentConsumer):
    task = asyncio.create_task(consumer.run())
    try:
        yield consumer
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def applied_count(pool: asyncpg.Pool) -> int:
    return await pool.fetchval("SELECT count(*) FROM applied")


async def test_a_poison_record_goes_to_the_dead_letter_topic_and_consumption_goes_on(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    before, after = withdrawal(partnership, 1), withdrawal(partnership, 2)
    good = encode(before)
    await publish(kafka_bootstrap, topic, before)
    await publish_raw(kafka_bootstrap, topic, str(partnership).encode(), b"\x00not json", list(good.headers.items()))
    await publish(kafka_bootstrap, topic, after)

    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    async with consuming(consumer):
        await eventually(lambda: _equals(applied_count(pool), 2))
        dead = await read_all(kafka_bootstrap, [consumer.dead_letter_topic], at_least=1)

    assert len(dead) == 1
    assert dead[0].value == b"\x00not json"
    assert dead[0].headers["dlq_reason"].startswith(b"undecodable")
    assert dead[0].headers["dlq_topic"] == topic.encode()
    applied = {row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")}
    assert applied == {before.id, after.id}


async def test_a_redelivered_event_changes_nothing(pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str):
    topic = f"{topic_namespace}cycle.training"
    event = withdrawal(uuid4())
    await publish(kafka_bootstrap, topic, event, event, event)

    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    async with consuming(consumer):
        await eventually(lambda: _equals_attr(consumer, "duplicates", 2))

    assert await applied_count(pool) == 1


async def test_an_old_version_event_is_read_through_its_upcaster(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    topic = f"{topic_namespace}cycle.recruitment"
    event_id, partnership = uuid4(), uuid4()
    v1_data = {
        "application_id": str(uuid4()),
        "home_region": "Bijie",
        "poor_household": True,
        "prior_education": "junior_secondary",
        "channel": "school_visit",
    }
    headers = [
        ("ce_specversion", b"1.0"),
        ("ce_id", str(event_id).encode()),
        ("ce_source", b"/legacy/registry"),
        ("ce_type", b"cycle.ApplicationSubmitted"),
        ("ce_time", b"2024-03-01T02:00:00Z"),
        ("ce_partitionkey", str(partnership).encode()),
        ("ce_schemaversion", b"1"),
        ("ce_occurredon", b"2024-03-01"),
        ("ce_evidence", b"school_record"),
        ("ce_studentid", str(uuid4()).encode()),
        ("content-type", b"application/json"),
    ]
    await publish_raw(kafka_bootstrap, topic, str(partnership).encode(), json.dumps(v1_data).encode(), headers)

    async with consuming(consumer_of(pool, kafka_bootstrap, topic, topic_namespace)):
        await eventually(lambda: _equals(applied_count(pool), 1))

    row = await pool.fetchrow("SELECT event_id, type, data FROM applied")
    assert row["event_id"] == event_id
    assert json.loads(row["data"])["poor_household_verified_by"] == "unverified"


async def _equals(value, expected) -> bool:
    return (await value) == expected


async def _equals_attr(obj, name: str, expected: int) -> bool:
    return getattr(obj, name) >= expected


async def test_a_batch_postgresql_rolls_back_for_a_deadlock_is_run_again_whole_and_nothing_is_dead_lettered(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    """The 100,000-student run: the roster learner deadlocked with a bulk import, and its three attempts in the
    batch's savepoint all failed (the batch's own locks were part of the deadlock), so valid events were dead-lettered.
    Here the handler's first attempt at the second event meets PostgreSQL's own deadlock_detected error."""
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    first, victim, after = withdrawal(partnership, 1), withdrawal(partnership, 2), withdrawal(partnership, 3)
    await publish_raw(
        kafka_bootstrap, topic, str(partnership).encode(), b"\x00not json", list(encode(first).headers.items())
    )
    await publish(kafka_bootstrap, topic, first, victim, after)
    attempts: list[object] = []

    async def deadlocks_once(conn: asyncpg.Connection, envelope) -> None:
        await record_applied(conn, envelope)
        attempts.append(envelope.id)
        if envelope.id == victim.id and attempts.count(victim.id) == 1:
            await conn.execute("DO $$ BEGIN RAISE EXCEPTION 'deadlock' USING ERRCODE = 'deadlock_detected'; END $$")

    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    consumer._handler = deadlocks_once
    async with consuming(consumer):
        await eventually(lambda: _equals(applied_count(pool), 3))
        dead = await read_all(kafka_bootstrap, [consumer.dead_letter_topic], at_least=1)

    assert attempts.count(victim.id) == 2, "the batch ran again"
    assert attempts.count(first.id) == 2, "whole: the event before the deadlock was rolled back with it"
    assert [d.value for d in dead] == [b"\x00not json"], "the poison once, though its batch ran twice"
    applied = {row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")}
    assert applied == {first.id, victim.id, after.id}
    assert (consumer.applied, consumer.dead_lettered) == (3, 1)


async def test_a_batch_is_applied_together_and_an_event_that_fails_in_it_is_dead_lettered_alone(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    """Applied together first (no savepoint per event); the failure undoes that and the batch runs one event at a
    time: the failing event is retried and dead-lettered, the others applied once, and only they are recorded as
    processed (so a replay of the dead letter is applied, not taken for a duplicate)."""
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    events = [withdrawal(partnership, day) for day in range(1, 6)]
    failing = events[2]
    await publish(kafka_bootstrap, topic, *events)
    calls: list[object] = []

    async def fails_on_one(conn: asyncpg.Connection, envelope) -> None:
        calls.append(envelope.id)
        await record_applied(conn, envelope)
        if envelope.id == failing.id:
            raise ValueError("this event cannot be applied")

    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    consumer._handler = fails_on_one
    async with consuming(consumer):
        dead = await read_all(kafka_bootstrap, [consumer.dead_letter_topic], at_least=1)
        await eventually(lambda: _equals(applied_count(pool), 4))

    kept = [event.id for event in events if event is not failing]
    assert calls[:3] == [e.id for e in events[:3]], "together first, up to the failure"
    assert calls.count(failing.id) == 1 + 3, "once together, then each of its three attempts alone"
    assert [d.headers["ce_id"] for d in dead] == [str(failing.id).encode()]
    assert {row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")} == set(kept)
    processed = await pool.fetch("SELECT event_id FROM processed_events WHERE consumer = $1", consumer.group)
    assert {row["event_id"] for row in processed} == set(kept)
    assert (consumer.applied, consumer.dead_lettered) == (4, 1)


async def test_a_batch_applied_together_applies_its_new_events_and_counts_the_copies_of_earlier_ones(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    """Copies redelivered beside a new event, as after a crash: one statement finds them recorded before."""
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    earlier, new = [withdrawal(partnership, 1), withdrawal(partnership, 2)], withdrawal(partnership, 3)
    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    await publish(kafka_bootstrap, topic, *earlier)
    async with consuming(consumer):
        await eventually(lambda: _equals(applied_count(pool), 2))
    await publish(kafka_bootstrap, topic, *earlier, new)
    async with consuming(consumer):
        await eventually(lambda: _equals_attr(consumer, "duplicates", 2))
        await eventually(lambda: _equals(applied_count(pool), 3))

    assert (consumer.applied, consumer.duplicates) == (3, 2)
    assert {row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")} == {
        e.id for e in [*earlier, new]
    }


async def test_a_held_insert_the_database_refuses_sends_the_batch_one_event_at_a_time(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str
):
    """Applied together, the handlers' plain inserts are held and sent once every handler has run; when PostgreSQL
    refuses one (here a key taken before), the batch is undone and runs one event at a time: the event whose insert
    is refused is retried and dead-lettered alone, the others are applied once."""
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    events = [withdrawal(partnership, day) for day in range(1, 6)]
    refused = events[1]
    await pool.execute("CREATE TABLE claims (event_id uuid PRIMARY KEY)")
    await pool.execute("INSERT INTO claims (event_id) VALUES ($1)", refused.id)
    await publish(kafka_bootstrap, topic, *events)
    calls: list[object] = []

    async def claims(conn: asyncpg.Connection, envelope) -> None:
        calls.append(envelope.id)
        await record_applied(conn, envelope)
        await conn.execute("INSERT INTO claims (event_id) VALUES ($1)", envelope.id)

    consumer = consumer_of(pool, kafka_bootstrap, topic, topic_namespace)
    consumer._handler = claims
    async with consuming(consumer):
        dead = await read_all(kafka_bootstrap, [consumer.dead_letter_topic], at_least=1)
        await eventually(lambda: _equals(applied_count(pool), 4))

    assert calls[:5] == [e.id for e in events], "together, every handler ran before the held rows were sent"
    assert calls.count(refused.id) == 1 + 3, "once together, then each of its three attempts alone"
    assert [d.headers["ce_id"] for d in dead] == [str(refused.id).encode()]
    kept = {event.id for event in events if event is not refused}
    assert {row["event_id"] for row in await pool.fetch("SELECT event_id FROM applied")} == kept
    assert (consumer.applied, consumer.dead_lettered) == (4, 1)
