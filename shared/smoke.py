"""A smoke flow through the running backbone: outbox -> relay -> broker -> idempotent consumer.

It proves the stack answers end to end before any stage service exists, and reports what it measured.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass
from datetime import date, timedelta
from uuid import uuid4

import asyncpg

from shared.contracts.base import Evidence, Stage
from shared.contracts.envelope import Envelope
from shared.contracts.registry import STAGE_TOPICS
from shared.contracts.training import Withdrawn
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import create_pool, drop_schema, migrate, pooled

SCHEMA = "smoke"


@dataclass(frozen=True)
class SmokeReport:
    events: int
    applied: int
    duplicates: int
    seconds: float


async def _noop(conn: asyncpg.Connection, envelope: Envelope) -> None:
    return None


def _events(count: int) -> list[Envelope]:
    partnership = uuid4()
    first = date(2025, 1, 1)
    return [
        Envelope.wrap(
            Withdrawn(last_day=first + timedelta(days=i), reason="other"),
            source="/smoke",
            occurred_on=first + timedelta(days=i),
            partnership_id=partnership,
            evidence=Evidence.SCHOOL_RECORD,
            student_id=uuid4(),
        )
        for i in range(count)
    ]


async def run_smoke(bootstrap: str, dsn: str, count: int = 100, partitions: int = 12) -> SmokeReport:
    namespace = f"smoke{uuid4().hex[:6]}."
    await ensure_topics(bootstrap, product_topics(namespace), partitions)
    await migrate(dsn, SCHEMA)
    pool = await create_pool(dsn, SCHEMA)
    started = time.monotonic()
    consumer = IdempotentConsumer(
        group=f"{namespace}smoke",
        topics=[namespace + STAGE_TOPICS[Stage.TRAINING]],
        bootstrap=bootstrap,
        pool=pool,
        handler=_noop,
        topic_namespace=namespace,
    )
    tasks = [asyncio.create_task(OutboxRelay(dsn, SCHEMA, bootstrap).run()), asyncio.create_task(consumer.run())]
    try:
        outbox = Outbox(SCHEMA, Stage.TRAINING, namespace)
        async with pooled(pool) as conn, conn.transaction():
            for event in _events(count):
                await outbox.add(conn, event)
        while consumer.applied < count:
            if any(task.done() for task in tasks):
                for task in tasks:
                    if task.done():
                        task.result()
            await asyncio.sleep(0.05)
        return SmokeReport(count, consumer.applied, consumer.duplicates, time.monotonic() - started)
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
        await pool.close()
        await drop_schema(dsn, SCHEMA)
