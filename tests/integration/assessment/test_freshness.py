"""The API's freshness figures against a real broker, database and worker: records waiting before the worker runs,
none once it has counted them."""

from __future__ import annotations

import asyncio
import contextlib
from pathlib import Path

from aiokafka import AIOKafkaConsumer
from prometheus_client import REGISTRY

from services.assessment.freshness import UNREAD, FreshnessWatch, measure, watch_freshness
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from tests.support.assessment import assessment_settings, publish_script, running_worker, settle
from tests.support.waiting import eventually
from tests.unit.assessment.scripted_cohort import scripted_cohort


async def test_the_figures_are_behind_by_the_records_no_worker_has_counted_and_then_by_none(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    settings = assessment_settings(service_settings)
    events = scripted_cohort().script.events
    await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, events)
    watch = FreshnessWatch()
    consumer = AIOKafkaConsumer(bootstrap_servers=settings.kafka_bootstrap_servers)
    await consumer.start()
    try:
        unread, _ = await measure(assessment_store, settings, watch, consumer)
        assert unread == len(events)

        with running_worker(settings, tmp_path / "worker.log"):
            await settle(assessment_store, settings)
        assert await measure(assessment_store, settings, watch, consumer) == (0, 0.0), "the same consumer, later"
    finally:
        await consumer.stop()


async def test_the_api_watch_sets_the_gauges_again_and_again_through_one_consumer(
    service_settings: ServiceSettings, assessment_store: AssessmentStore
) -> None:
    settings = assessment_settings(service_settings)
    events = scripted_cohort().script.events
    await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, events)

    async def unread_is_every_event() -> bool:
        return REGISTRY.get_sample_value("cycle_assessment_unread_records") == len(events)

    UNREAD.set(-1)
    watching = asyncio.create_task(watch_freshness(assessment_store, settings, every=0.1))
    try:
        await eventually(unread_is_every_event, timeout=60)
        UNREAD.set(-1)
        await eventually(unread_is_every_event, timeout=60)  # measured again
    finally:
        watching.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await watching
