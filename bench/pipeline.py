"""Our pipeline, stage by stage: outbox writes, relay publishing, idempotent consumption."""

from __future__ import annotations

import asyncio
import time
from datetime import date
from uuid import uuid4

from shared.contracts.base import Evidence, Stage
from shared.contracts.envelope import Envelope
from shared.contracts.training import Withdrawn
from shared.messaging.consumer import IdempotentConsumer
from shared.messaging.outbox import Outbox
from shared.messaging.relay import OutboxRelay
from shared.messaging.topics import ensure_topics, product_topics
from shared.persistence.database import create_pool, drop_schema, migrate

SCHEMA = "bench"


def _events(count: int, partnerships: int = 64) -> list[Envelope]:
    keys = [uuid4() for _ in range(partnerships)]
    return [
        Envelope.wrap(
            Withdrawn(last_day=date(2025, 3, 1), reason="other"),
            source="/bench",
            occurred_on=date(2025, 3, 1),
            partnership_id=keys[i % partnerships],
            evidence=Evidence.SCHOOL_RECORD,
            student_id=uuid4(),
        )
        for i in range(count)
    ]


async def _noop(conn: object, envelope: Envelope) -> None:
    return None


async def measure(bootstrap: str, dsn: str, namespace: str, count: int, per_transaction: int) -> dict[str, float]:
    """events/s of each stage; the outbox is written in transactions of `per_transaction` events."""
    await ensure_topics(bootstrap, product_topics(namespace), 12)
    await drop_schema(dsn, SCHEMA)
    await migrate(dsn, SCHEMA)
    pool = await create_pool(dsn, SCHEMA, max_size=4)
    outbox = Outbox(SCHEMA, Stage.TRAINING, namespace)
    events = _events(count)
    try:
        started = time.perf_counter()
        for offset in range(0, count, per_transaction):
            async with pool.acquire() as conn, conn.transaction():
                for event in events[offset : offset + per_transaction]:
                    await outbox.add(conn, event)
        write_rate = count / (time.perf_counter() - started)

        relay = OutboxRelay(dsn, SCHEMA, bootstrap)
        started = time.perf_counter()
        relaying = asyncio.create_task(relay.run())
        while relay.published < count:
            await asyncio.sleep(0.01)
        relay_rate = count / (time.perf_counter() - started)
        relaying.cancel()

        consumer = IdempotentConsumer(
            group=f"{namespace}bench", topics=[f"{namespace}cycle.training"], bootstrap=bootstrap, pool=pool,
            handler=_noop, topic_namespace=namespace,
        )  # fmt: skip
        started = time.perf_counter()
        consuming = asyncio.create_task(consumer.run())
        while consumer.applied < count:
            if consuming.done():
                consuming.result()
            await asyncio.sleep(0.01)
        consume_rate = count / (time.perf_counter() - started)
        consuming.cancel()
        await asyncio.gather(relaying, consuming, return_exceptions=True)
        return {"outbox_write": write_rate, "relay_publish": relay_rate, "idempotent_consume": consume_rate}
    finally:
        await pool.close()
        await drop_schema(dsn, SCHEMA)
