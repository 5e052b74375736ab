"""Rebuild: a fresh generation (new consumer group, new tables and changelogs) reads the stage topics from the
start; once it has caught up with the end offsets taken at the start, it becomes the generation queries read.

Wire into the CLI as `cycle assessment rebuild` with `run_rebuild()`. Workers started afterwards with
ASSESSMENT_GENERATION set to the new generation recover its tables from its changelogs.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import structlog
from aiokafka import AIOKafkaConsumer
from aiokafka.structs import TopicPartition

from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore, open_store
from shared.contracts.registry import stage_topics
from shared.infra.processes import stop_process

log = structlog.get_logger(__name__)
REPO = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class RebuildReport:
    generation: str
    events: int
    seconds: float
    activated: bool


async def end_offsets(bootstrap: str, topics: list[str]) -> dict[tuple[str, int], int]:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap)
    await consumer.start()
    try:
        return await end_offsets_with(consumer, topics)
    finally:
        await consumer.stop()


async def end_offsets_with(consumer: AIOKafkaConsumer, topics: list[str]) -> dict[tuple[str, int], int]:
    """The topics' non-empty partitions and their end offsets, asked of a started consumer."""
    partitions = [TopicPartition(t, p) for t in topics for p in sorted(await partitions_of(consumer, t))]
    ends = await consumer.end_offsets(partitions)
    return {(tp.topic, tp.partition): end for tp, end in ends.items() if end > 0}


async def partitions_of(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    found = consumer.partitions_for_topic(topic)
    if not found:
        await consumer._client.force_metadata_update()  # the client learns a topic only when asked
        found = consumer.partitions_for_topic(topic)
    return set(found or ())


async def settled(store: AssessmentStore, settings: AssessmentSettings, stage_ends: dict[tuple[str, int], int]) -> bool:
    """True once the generation flushed every stage event up to `stage_ends` and every roll-up part since."""
    return not await unsettled(store, settings, stage_ends)


async def unsettled(
    store: AssessmentStore, settings: AssessmentSettings, stage_ends: dict[tuple[str, int], int]
) -> dict[tuple[str, int], tuple[int, int]]:
    """The partitions the generation has not flushed to their end yet, each with (flushed, end): the stage topics
    up to `stage_ends`, then (once those are done) the roll-up topic up to its end now."""
    done = await store.progress(settings.generation)
    if behind := _short_of(done, stage_ends):
        return behind
    return _short_of(done, await end_offsets(settings.kafka_bootstrap_servers, [settings.rollup_topic]))


def _short_of(
    done: dict[tuple[str, int], int], ends: dict[tuple[str, int], int]
) -> dict[tuple[str, int], tuple[int, int]]:
    return {tp: (done.get(tp, 0), end) for tp, end in ends.items() if done.get(tp, 0) < end}


def worker_environment(settings: AssessmentSettings) -> dict[str, str]:
    env = {
        **os.environ,
        "KAFKA_BOOTSTRAP_SERVERS": settings.kafka_bootstrap_servers,
        "DATABASE_URL": settings.database_url,
        "CYCLE_TOPIC_NAMESPACE": settings.topic_namespace,
        "CYCLE_TOPIC_PARTITIONS": str(settings.topic_partitions),
        "CYCLE_SCHEMA_SUFFIX": settings.schema_suffix,
        "ASSESSMENT_GENERATION": settings.generation,
        "ASSESSMENT_FLUSH_SECONDS": str(settings.flush_seconds),
        "ASSESSMENT_LIVE_SECONDS": str(settings.live_seconds),
        "CYCLE_LOG_LEVEL": settings.log_level,
    }
    if settings.business_date is not None:
        env["ASSESSMENT_BUSINESS_DATE"] = settings.business_date.isoformat()
    return env


async def rebuild(
    settings: AssessmentSettings,
    *,
    generation: str | None = None,
    activate: bool = True,
    timeout: float = 3600,
    log_path: Path | None = None,
) -> RebuildReport:
    started = time.monotonic()
    fresh = settings.model_copy(update={"generation": generation or datetime.now(UTC).strftime("r%Y%m%d%H%M%S")})
    ends = await end_offsets(settings.kafka_bootstrap_servers, stage_topics(settings.topic_namespace))
    store = await open_store(settings.database_url, settings.db_schema)
    output = (log_path or Path(os.devnull)).open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "services.assessment.worker",
        "worker",
        cwd=REPO,
        env=worker_environment(fresh),
        stdout=output,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + timeout
        while not await settled(store, fresh, ends):
            if process.returncode is not None:
                raise RuntimeError(f"rebuild worker exited with {process.returncode}")
            if time.monotonic() > deadline:
                raise TimeoutError(f"generation {fresh.generation} did not catch up within {timeout:.0f}s")
            await asyncio.sleep(0.5)
        if activate:
            await store.activate(fresh.generation)
    finally:
        if process.returncode is None:
            await asyncio.to_thread(stop_process, process.pid, 20, signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 10)
        output.close()
        await store.close()
    report = RebuildReport(fresh.generation, sum(ends.values()), round(time.monotonic() - started, 2), activate)
    log.info("assessment_rebuilt", generation=report.generation, events=report.events, seconds=report.seconds)
    return report


def run_rebuild(generation: str | None = None, activate: bool = True) -> RebuildReport:
    """Entry for `cycle assessment rebuild`: settings from the environment."""
    return asyncio.run(rebuild(AssessmentSettings(), generation=generation, activate=activate))
