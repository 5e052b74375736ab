"""`cycle outbox` shows a service schema's unpublished rows and the age of the oldest until its relay sends them."""

from __future__ import annotations

from uuid import uuid4

import asyncpg

from shared.messaging.outbox import Outbox
from tests.integration.cli.conftest import Cycle, relaying
from tests.support.backbone import withdrawal, write_events
from tests.support.waiting import eventually


async def test_outbox_shows_the_backlog_until_the_relay_publishes_it(
    pool: asyncpg.Pool, outbox: Outbox, schema: str, database_url: str, kafka_bootstrap: str, cycle: Cycle
):
    partnership = uuid4()
    await write_events(pool, outbox, [withdrawal(partnership, day) for day in (1, 2, 3)])

    [waiting] = await cycle.json("outbox")
    assert (waiting["schema"], waiting["unsent"], waiting["refused"]) == (schema, 3, 0)
    assert waiting["oldest_unsent_age_seconds"] >= 0
    assert waiting["oldest_unsent_at"] is not None
    table = await cycle("outbox")
    assert schema in table.stdout

    async with relaying(database_url, schema, kafka_bootstrap) as relay:
        await eventually(lambda: _at_least(relay.published, 3))
    [drained] = await cycle.json("outbox", "--schema", schema)
    assert (drained["unsent"], drained["oldest_unsent_at"]) == (0, None)
    assert await cycle.json("outbox", "--refused") == []


async def _at_least(value: int, expected: int) -> bool:
    return value >= expected
