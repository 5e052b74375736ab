"""`cycle tail` finds facts written through the outbox and published by the relay, filters them, and follows."""

from __future__ import annotations

import json
from uuid import uuid4

import asyncpg

from shared.messaging.codec import encode
from shared.messaging.outbox import Outbox
from tests.integration.cli.conftest import Cycle, relaying
from tests.support.backbone import withdrawal, write_events
from tests.support.kafka import publish, publish_raw
from tests.support.waiting import eventually


async def test_tail_finds_a_fact_posted_through_the_outbox_and_filters_by_partnership_student_type_and_time(
    pool: asyncpg.Pool,
    outbox: Outbox,
    schema: str,
    database_url: str,
    kafka_bootstrap: str,
    topic_namespace: str,
    cycle: Cycle,
):
    ours, other = withdrawal(uuid4(), 1), withdrawal(uuid4(), 2)
    topic = f"{topic_namespace}cycle.training"
    async with relaying(database_url, schema, kafka_bootstrap) as relay:
        await write_events(pool, outbox, [ours, other])
        await eventually(lambda: _at_least(relay.published, 2))

    everything = await _tailed(cycle, topic)
    assert {line["event"]["id"] for line in everything} == {str(ours.id), str(other.id)}
    by_partnership = await _tailed(cycle, topic, "--partnership", str(ours.partnership_id))
    assert [line["event"]["id"] for line in by_partnership] == [str(ours.id)]
    assert by_partnership[0]["key"] == str(ours.partnership_id)
    assert by_partnership[0]["event"]["data"]["reason"] == "family"
    by_student = await _tailed(cycle, topic, "--student", str(other.student_id))
    assert [line["event"]["id"] for line in by_student] == [str(other.id)]
    assert len(await _tailed(cycle, topic, "--type", "Withdrawn", "--since", "1h")) == 2
    assert await _tailed(cycle, topic, "--type", "cycle.StudentEnrolled") == []
    assert await _tailed(cycle, topic, "--until", "2000-01-01") == []

    one_line = await cycle("tail", "cycle.training", "--partnership", str(ours.partnership_id))
    assert one_line.returncode == 0, one_line.stderr
    assert (
        f"Withdrawn v1  partnership={ours.partnership_id}  student={ours.student_id}  id={ours.id}" in one_line.stdout
    )


async def test_tail_follows_facts_published_while_it_runs(
    pool: asyncpg.Pool,
    outbox: Outbox,
    schema: str,
    database_url: str,
    kafka_bootstrap: str,
    topic_namespace: str,
    cycle: Cycle,
):
    first, second = withdrawal(uuid4(), 3), withdrawal(uuid4(), 4)
    async with relaying(database_url, schema, kafka_bootstrap):
        await write_events(pool, outbox, [first])
        async with cycle.following("tail", f"{topic_namespace}cycle.training", "--follow", "--from-beginning") as tail:
            await eventually(lambda: tail.containing(str(first.id)), timeout=60)
            await write_events(pool, outbox, [second])
            await eventually(lambda: tail.containing(str(second.id)), timeout=60)


async def test_tail_starts_at_an_offset_or_the_last_records_and_shows_undecodable_ones(
    kafka_bootstrap: str, topic_namespace: str, cycle: Cycle
):
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()
    events = [withdrawal(partnership, day) for day in (1, 2, 3)]
    await publish(kafka_bootstrap, topic, *events)
    headers = list(encode(events[0]).headers.items())
    await publish_raw(kafka_bootstrap, topic, str(partnership).encode(), b"\x00not json", headers)

    everything = await _tailed(cycle, topic)
    partition, offsets = everything[0]["partition"], [line["offset"] for line in everything]
    assert [line.get("event", {}).get("id") for line in everything] == [*(str(e.id) for e in events), None]
    assert everything[-1]["error"] == "the value is not a JSON object"
    assert everything[-1]["headers"]["ce_id"] == str(events[0].id)

    from_offset = await _tailed(cycle, topic, "--partition", str(partition), "--offset", str(offsets[1]))
    assert [line["offset"] for line in from_offset] == offsets[1:]
    last_two = await _tailed(cycle, topic, "--last", "2")
    assert [line["offset"] for line in last_two] == offsets[2:]
    limited = await _tailed(cycle, topic, "--limit", "1")
    assert [line["offset"] for line in limited] == offsets[:1]
    filtered = await _tailed(cycle, topic, "--partnership", str(partnership))
    assert len(filtered) == 3, "a filter on event content leaves undecodable records out"


async def _tailed(cycle: Cycle, topic: str, *args: str) -> list[dict]:
    result = await cycle("tail", topic, *args, "--json")
    assert result.returncode == 0, result.stderr
    return [json.loads(line) for line in result.stdout.splitlines()]


async def _at_least(value: int, expected: int) -> bool:
    return value >= expected
