"""Figure freshness on the assessment API's /metrics: how many records on the stage topics the active generation's
figures do not count yet, and how long the figures have been behind without moving.

The workers write how far they read (`progress`) with every flush; the API compares it with the topics' ends every
`CHECK_EVERY_SECONDS`. A commit marker left at a partition's end by `cycle dlq replay` (which replays in a
transaction) counts as one unread record there until the next record follows it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

import asyncpg
import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.errors import KafkaError

from services.assessment.rebuild import end_offsets_with
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore
from shared.contracts.registry import stage_topics
from shared.observability.metrics import gauge

log = structlog.get_logger(__name__)
CHECK_EVERY_SECONDS = 15.0
UNREAD = gauge("cycle_assessment_unread_records", "Records on the stage topics the figures do not count yet")
BEHIND_SECONDS = gauge(
    "cycle_assessment_figures_behind_seconds",
    "0 when the figures count every record on the stage topics; else the longest a partition with records waiting"
    " has gone without its figures moving",
)

Partition = tuple[str, int]


@dataclass
class FreshnessWatch:
    """Remembers, per partition, the offset read and when it last moved."""

    moved: dict[Partition, tuple[int, float]] = field(default_factory=dict)

    def observe(self, read: dict[Partition, int], ends: dict[Partition, int], now: float) -> tuple[int, float]:
        """(records unread, seconds behind) for the workers' `read` offsets against the topics' `ends`."""
        unread, oldest = 0, now
        for partition, end in ends.items():
            offset = read.get(partition, 0)
            last = self.moved.get(partition)
            if last is None or last[0] != offset:
                self.moved[partition] = last = (offset, now)
            if end > offset:
                unread += end - offset
                oldest = min(oldest, last[1])
        return unread, now - oldest


async def watch_freshness(
    store: AssessmentStore, settings: AssessmentSettings, every: float = CHECK_EVERY_SECONDS
) -> None:
    """Every `every` seconds, through one consumer kept open: starting one reads the metadata of every topic on
    the cluster, which on a broker shared by thousands of topics cost more than the rest of the API together."""
    watch, consumer = FreshnessWatch(), None
    try:
        while True:
            await asyncio.sleep(every)
            try:
                if consumer is None:
                    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
                    await consumer.start()
                unread, behind = await measure(store, settings, watch, consumer)
                UNREAD.set(unread)
                BEHIND_SECONDS.set(round(behind, 1))
            except (TimeoutError, OSError, KafkaError, asyncpg.PostgresError, asyncpg.InterfaceError) as error:
                log.warning("assessment_freshness_unknown", error=repr(error))  # the broker or database away
                await _closed(consumer)
                consumer = None
            except Exception:  # a metric must never stop the API
                log.exception("assessment_freshness_failed")
                await _closed(consumer)
                consumer = None
    finally:
        await _closed(consumer)


async def _closed(consumer: AIOKafkaConsumer | None) -> None:
    if consumer is not None:
        with contextlib.suppress(Exception):
            await consumer.stop()


async def measure(
    store: AssessmentStore, settings: AssessmentSettings, watch: FreshnessWatch, consumer: AIOKafkaConsumer
) -> tuple[int, float]:
    """One observation of the active generation's progress against the stage topics' ends."""
    generation = await store.active_generation(settings.generation)
    read = await store.progress(generation)
    ends = await end_offsets_with(consumer, stage_topics(settings.topic_namespace))
    return watch.observe(read, ends, time.monotonic())
