"""Assessment workers as subprocesses, their store as a fixture, and reading what they wrote, for broker tests."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

import pytest

from services.assessment.closed_answers import answers_kept
from services.assessment.metrics.figures import Figure
from services.assessment.rebuild import end_offsets, settled, worker_environment
from services.assessment.settings import AssessmentSettings
from services.assessment.store import AssessmentStore, open_store
from shared.config import ServiceSettings
from shared.contracts.base import Stage
from shared.contracts.envelope import Envelope
from shared.contracts.registry import model_for, stage_topics, topic_for
from shared.infra.processes import stop_process
from shared.persistence.database import drop_schema
from tests.support.kafka import publish
from tests.support.waiting import eventually

REPO = Path(__file__).resolve().parents[2]
BUSINESS_DATE = date(2026, 6, 30)
_EMITTER_OF_ANY = {"ExclusionApplied": Stage.EMPLOYMENT, "ExclusionRevoked": Stage.EMPLOYMENT}


def assessment_settings(
    base: ServiceSettings, generation: str = "g1", business_date: date | None = BUSINESS_DATE
) -> AssessmentSettings:
    return AssessmentSettings(
        KAFKA_BOOTSTRAP_SERVERS=base.kafka_bootstrap_servers,
        DATABASE_URL=base.database_url,
        CYCLE_TOPIC_NAMESPACE=base.topic_namespace,
        CYCLE_TOPIC_PARTITIONS=base.topic_partitions,
        CYCLE_SCHEMA_SUFFIX=base.schema_suffix,
        ASSESSMENT_GENERATION=generation,
        ASSESSMENT_BUSINESS_DATE=business_date,
        ASSESSMENT_FLUSH_SECONDS=0.3,
    )


@pytest.fixture
async def assessment_store(service_settings: ServiceSettings) -> AsyncIterator[AssessmentStore]:
    settings = assessment_settings(service_settings)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        yield store
    finally:
        await answers_kept()  # kept in this test's store, not in the next test's
        await store.close()
        await drop_schema(settings.database_url, settings.db_schema)


def worker_env(settings: AssessmentSettings) -> dict[str, str]:
    level = os.environ.get("ASSESSMENT_TEST_LOG_LEVEL", "warning")
    return {**worker_environment(settings), "CYCLE_LOG_LEVEL": level, "PYTHONUNBUFFERED": "1"}


@contextmanager
def running_worker(settings: AssessmentSettings, log_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A worker process; stopped by its pid (SIGTERM, then SIGKILL) whatever happens in the test."""
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "services.assessment.worker", "worker"],
            cwd=REPO,
            env=worker_env(settings),
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            stop_process(process.pid, timeout=15, sig=signal.SIGTERM)
        process.wait(timeout=10)


def stage_topic_of(envelope: Envelope, by_id: dict[object, Envelope]) -> str:
    stage = model_for(envelope.type).stage
    if stage is Stage.ANY:
        target = by_id.get(envelope.supersedes)
        emitter = (
            model_for(target.type).stage if target is not None else _EMITTER_OF_ANY.get(envelope.type, Stage.TRAINING)
        )
        return topic_for(envelope.type, emitter)
    return topic_for(envelope.type, stage)


async def publish_script(bootstrap: str, namespace: str, events: list[Envelope]) -> None:
    by_id = {e.id: e for e in events}
    for envelope in events:
        await publish(bootstrap, namespace + stage_topic_of(envelope, by_id), envelope)


async def settle(store: AssessmentStore, settings: AssessmentSettings, timeout: float = 120) -> None:
    """Wait until the worker(s) of `settings.generation` flushed every event now in the stage topics."""
    ends = await end_offsets(settings.kafka_bootstrap_servers, stage_topics(settings.topic_namespace))
    await eventually(lambda: settled(store, settings, ends), timeout=timeout, interval=0.3)


def by_key(figures: list[Figure]) -> dict[tuple[str, str, str, str, int], tuple]:
    return {f.key: f.reading for f in figures}
