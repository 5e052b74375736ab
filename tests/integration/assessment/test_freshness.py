"""The API's freshness figures against a real broker, database and worker: records waiting before the worker runs,
none once it has counted them."""

from __future__ import annotations

from pathlib import Path

from services.assessment.freshness import FreshnessWatch, measure
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from tests.support.assessment import assessment_settings, publish_script, running_worker, settle
from tests.unit.assessment.scripted_cohort import scripted_cohort


async def test_the_figures_are_behind_by_the_records_no_worker_has_counted_and_then_by_none(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    settings = assessment_settings(service_settings)
    events = scripted_cohort().script.events
    await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, events)
    watch = FreshnessWatch()

    unread, _ = await measure(assessment_store, settings, watch)
    assert unread == len(events)

    with running_worker(settings, tmp_path / "worker.log"):
        await settle(assessment_store, settings)
    assert await measure(assessment_store, settings, watch) == (0, 0.0)
