"""(3) What every learner of the stage services runs its handler in: the idempotent consumer
(shared/messaging/consumer.py) applying every record of the shared stream from the start of the topics, beside the
raw consume-and-decode rate of the same records.

Its handler writes one row per event, so what is measured is what a learner pays around its own statements:
decoding, a transaction per polled batch, each event's id recorded once (a redelivery changes nothing), the offsets
committed after the batch. A real learner's handler adds its statements (a student looked up, a step recorded).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass

import asyncpg

from bench.dataset import Dataset
from bench.environment import BenchEnv
from bench.stats import rate
from shared.contracts.envelope import Envelope
from shared.messaging.consumer import IdempotentConsumer
from shared.persistence.database import create_pool, migrate

NAME = "learners"
_WAIT = 0.05


@dataclass(frozen=True)
class Learning:
    events: int
    seconds: float  # from the consumer's start to its last event applied, its group join included

    @property
    def per_second(self) -> float:
        return rate(self.events, self.seconds)


async def _one_row(conn: asyncpg.Connection, envelope: Envelope) -> None:
    await conn.execute(
        "INSERT INTO learned (event_id, partnership_id) VALUES ($1, $2)", envelope.id, envelope.partnership_id
    )


async def measure_learners(env: BenchEnv, dataset: Dataset, timeout: float = 600.0) -> Learning:
    schema = f"learners{env.suffix(NAME)}"
    await migrate(env.dsn, schema)
    pool = await create_pool(env.dsn, schema)
    try:
        await pool.execute("CREATE TABLE learned (event_id uuid PRIMARY KEY, partnership_id uuid NOT NULL)")
        consumer = IdempotentConsumer(
            group=f"{env.namespace(NAME)}learners",
            topics=dataset.topics,
            bootstrap=env.bootstrap,
            pool=pool,
            handler=_one_row,
            topic_namespace=env.namespace(NAME),
        )
        started = time.perf_counter()
        running = asyncio.create_task(consumer.run())
        try:
            deadline = started + timeout
            while consumer.applied + consumer.dead_lettered < dataset.events:
                if running.done():
                    running.result()  # its error, if it stopped
                if time.perf_counter() > deadline:
                    raise TimeoutError(f"{consumer.applied:,} of {dataset.events:,} events applied in {timeout:.0f} s")
                await asyncio.sleep(_WAIT)
            seconds = time.perf_counter() - started
        finally:
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
        if consumer.dead_lettered:
            raise RuntimeError(f"{consumer.dead_lettered} events dead-lettered")
        return Learning(consumer.applied, seconds)
    finally:
        await pool.close()
