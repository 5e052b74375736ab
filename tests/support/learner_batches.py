"""A learner's batch beside the same events applied one per transaction: a service's learner as the runtime builds
it (shared/web/runtime.py), on a schema of its own, fed either way."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Mapping
from datetime import date
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import asyncpg

from shared.application.clock import SystemClock
from shared.application.pipeline import Handler as CommandHandler
from shared.application.pipeline import Pipeline
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.contracts.partnership import ClassOpened
from shared.messaging.consumer import Handler, IdempotentConsumer
from shared.messaging.outbox import Outbox
from shared.persistence.database import create_pool, drop_schema, migrate
from shared.persistence.unit_of_work import PostgresUnitOfWork
from shared.security.policy import EventPolicy
from tests.support.kafka import publish
from tests.support.waiting import eventually


def class_opened(class_id: UUID) -> ClassOpened:
    """A class of 40 seats from March 2024 to June 2025, as both learners' batches open it."""
    return ClassOpened(
        class_id=class_id,
        name="CNC machining 2024",
        school_id=uuid4(),
        sponsor_id=uuid4(),
        sponsor_credit_code="91440101MA59UQ3L00",
        programme_id=uuid4(),
        major="CNC machining",
        seats=40,
        cohort_year=2024,
        planned_start=date(2024, 3, 1),
        planned_end=date(2025, 6, 30),
        hiring_commitment=30,
    )


@contextlib.asynccontextmanager
async def service_schema(database_url: str, schema: str, migrations: Path) -> AsyncIterator[asyncpg.Pool]:
    await migrate(database_url, schema, migrations)
    pool = await create_pool(database_url, schema)
    try:
        yield pool
    finally:
        await pool.close()
        await drop_schema(database_url, schema)


def learner(
    handlers: Mapping[type, CommandHandler[Any]],
    unit_of_work: type[PostgresUnitOfWork],
    stage: Stage,
    settings: ServiceSettings,
    schema: str,
) -> Handler:
    writer = Outbox(schema, stage, settings.topic_namespace)
    pipeline = Pipeline(handlers, lambda: None, SystemClock(), f"/services/{stage.value}", EventPolicy())

    async def learn(conn: asyncpg.Connection, envelope: Envelope) -> None:
        await pipeline.handle(envelope, unit_of_work=unit_of_work(writer, settings, conn=conn))

    return learn


async def one_per_transaction(pool: asyncpg.Pool, learn: Handler, events: list[Envelope]) -> None:
    for envelope in events:
        async with pool.acquire() as conn, conn.transaction():
            await learn(conn, envelope)


async def in_one_batch(
    pool: asyncpg.Pool, learn: Handler, events: list[Envelope], bootstrap: str, namespace: str
) -> IdempotentConsumer:
    """The events published to one partition before the consumer starts, so that it polls them together; the
    consumer, once it applied them all."""
    topic = f"{namespace}cycle.training"
    await publish(bootstrap, topic, *events)
    consumer = IdempotentConsumer(
        group=f"{namespace}learner-batch",
        topics=[topic],
        bootstrap=bootstrap,
        pool=pool,
        handler=learn,
        topic_namespace=namespace,
    )
    running = asyncio.create_task(consumer.run())
    try:
        await eventually(lambda: _settled(consumer, len(events)))
    finally:
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
    return consumer


async def _settled(consumer: IdempotentConsumer, events: int) -> bool:
    return consumer.applied + consumer.dead_lettered >= events


async def rows(pool: asyncpg.Pool, tables: Mapping[str, str], in_order: frozenset[str]) -> dict[str, list[Any]]:
    """Each table's `tables[name]` columns: the tables `in_order` by their serial, the others sorted."""
    found: dict[str, list[Any]] = {}
    for name, columns in tables.items():
        if name in in_order:
            found[name] = [tuple(row) for row in await pool.fetch(f"SELECT {columns} FROM {name} ORDER BY seq")]
        else:
            found[name] = sorted((tuple(row) for row in await pool.fetch(f"SELECT {columns} FROM {name}")), key=repr)
    return found


async def batches_committed(pool: asyncpg.Pool) -> int:
    """How many transactions recorded the consumed events (now() is a transaction's start)."""
    return int(await pool.fetchval("SELECT count(DISTINCT processed_at) FROM processed_events"))
