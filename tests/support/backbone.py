"""Fixtures for the backbone tests: a schema with only the shared messaging tables, and a table of applied events."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date
from uuid import UUID, uuid4

import asyncpg
import pytest

from shared.contracts.base import Evidence, Stage
from shared.contracts.envelope import Envelope
from shared.contracts.training import Withdrawn
from shared.messaging.outbox import Outbox
from shared.persistence.database import create_pool, drop_schema, migrate


@pytest.fixture
async def schema(database_url: str, test_id: str) -> AsyncIterator[str]:
    name = f"backbone_t{test_id}"
    await migrate(database_url, name)
    yield name
    await drop_schema(database_url, name)


@pytest.fixture
async def pool(database_url: str, schema: str) -> AsyncIterator[asyncpg.Pool]:
    pool = await create_pool(database_url, schema)
    await pool.execute("CREATE TABLE applied (event_id uuid, type text, data jsonb)")
    yield pool
    await pool.close()


@pytest.fixture
def outbox(schema: str, topic_namespace: str) -> Outbox:
    return Outbox(schema, Stage.TRAINING, topic_namespace)


def withdrawal(partnership_id: UUID, day: int = 1) -> Envelope:
    return Envelope.wrap(
        Withdrawn(last_day=date(2025, 3, day), reason="family"),
        source="/services/training",
        occurred_on=date(2025, 3, day),
        partnership_id=partnership_id,
        evidence=Evidence.SCHOOL_RECORD,
        student_id=uuid4(),
    )


async def write_events(pool: asyncpg.Pool, outbox: Outbox, events: list[Envelope]) -> None:
    async with pool.acquire() as conn, conn.transaction():
        for event in events:
            await outbox.add(conn, event)


async def record_applied(conn: asyncpg.Connection, envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO applied (event_id, type, data) VALUES ($1, $2, $3::jsonb)",
        envelope.id,
        envelope.type,
        envelope.data.model_dump_json(),
    )
