"""`cycle lag` shows a consumer group falling behind while it is stopped, and its lag falling to 0 as it catches up."""

from __future__ import annotations

from uuid import uuid4

import asyncpg

from shared.messaging.consumer import IdempotentConsumer
from tests.integration.cli.conftest import Cycle, consuming
from tests.support.backbone import record_applied, withdrawal
from tests.support.kafka import publish
from tests.support.waiting import eventually


async def test_lag_falls_to_zero_after_a_consumer_catches_up(
    pool: asyncpg.Pool, kafka_bootstrap: str, topic_namespace: str, cycle: Cycle
):
    topic = f"{topic_namespace}cycle.training"
    partnership = uuid4()  # one key: every event in one partition
    consumer = IdempotentConsumer(
        group=f"{topic_namespace}training.roster",
        topics=[topic],
        bootstrap=kafka_bootstrap,
        pool=pool,
        handler=record_applied,
        topic_namespace=topic_namespace,
    )

    async def lag() -> dict:
        groups = await cycle.json("lag", "--group", consumer.group)
        assert [group["group"] for group in groups] == [consumer.group]
        return groups[0]

    await publish(kafka_bootstrap, topic, *(withdrawal(partnership, day) for day in (1, 2, 3)))
    async with consuming(consumer):
        caught_up = await eventually(lambda: _with_lag(lag(), 0, end=3), timeout=60)
    assert [p["topic"] for p in caught_up["partitions"] if p["end"]] == [topic]

    await publish(kafka_bootstrap, topic, *(withdrawal(partnership, day) for day in (4, 5)))
    behind = await lag()
    assert (behind["lag"], behind["members"]) == (2, 0)
    assert [(p["committed"], p["end"], p["lag"]) for p in behind["partitions"] if p["end"]] == [(3, 5, 2)]

    async with consuming(consumer):
        await eventually(lambda: _with_lag(lag(), 0, end=5), timeout=60)
    assert consumer.applied == 5


async def _with_lag(group, lag: int, *, end: int) -> dict | None:
    found = await group
    ends = sum(p["end"] for p in found["partitions"])
    return found if found["lag"] == lag and ends == end else None
