"""Two workers give the figures of one; a worker killed with SIGKILL mid-stream resumes without double counting."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from services.assessment.rebuild import settled
from services.assessment.store import AssessmentStore
from shared.config import ServiceSettings
from shared.contracts.envelope import Envelope
from shared.contracts.registry import stage_topics
from shared.infra.processes import stop_process
from tests.support.assessment import (
    assessment_settings,
    by_key,
    end_offsets,
    publish_script,
    running_worker,
    settle,
)
from tests.support.waiting import eventually
from tests.unit.assessment.scripted_cohort import Cohort, scripted_cohort
from tests.unit.assessment.test_scripted_cohort_figures import EXPECTED_V1, EXPECTED_V2

COHORTS = 8
# Enough that the worker's first flush (no sooner than ASSESSMENT_FLUSH_SECONDS after it starts) comes while it is
# still reading: since the worker got faster, 8 cohorts were read whole before it.
COHORTS_TO_KILL_IN = 64

pytestmark = pytest.mark.slow


def cohorts(count: int = COHORTS) -> list[Cohort]:
    return [scripted_cohort() for _ in range(count)]


def interleaved(found: list[Cohort]) -> list[Envelope]:
    streams = [c.script.events for c in found]
    return [e for i in range(max(map(len, streams))) for s in streams if i < len(s) for e in [s[i]]]


async def assert_hand_counts(store: AssessmentStore, generation: str, found: list[Cohort]) -> None:
    for cohort in found:
        figures = await store.figures(generation, f"partnership:{cohort.script.partnership_id}", dimension="total")
        for version, expected in ((1, EXPECTED_V1), (2, EXPECTED_V2)):
            got = {f.metric: (f.numerator, f.denominator, f.value) for f in figures if f.version == version}
            assert {m: got[m] for m in expected} == expected


async def test_two_workers_give_the_same_figures_as_one(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    found = cohorts()
    one, two = assessment_settings(service_settings, "one"), assessment_settings(service_settings, "two")
    await publish_script(one.kafka_bootstrap_servers, one.topic_namespace, interleaved(found))
    with running_worker(one, tmp_path / "one.log"):
        await settle(assessment_store, one)
    with running_worker(two, tmp_path / "two-a.log") as first, running_worker(two, tmp_path / "two-b.log") as second:
        await settle(assessment_store, two)
        assert first.poll() is None
        assert second.poll() is None
    await assert_hand_counts(assessment_store, "two", found)
    assert by_key(await assessment_store.all_figures("two")) == by_key(await assessment_store.all_figures("one"))


async def test_a_worker_killed_mid_stream_resumes_from_its_changelog_without_double_counting(
    service_settings: ServiceSettings, assessment_store: AssessmentStore, tmp_path: Path
) -> None:
    found = cohorts(COHORTS_TO_KILL_IN)
    settings = assessment_settings(service_settings, "k1")
    events = interleaved(found)
    await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, events)
    ends = await end_offsets(settings.kafka_bootstrap_servers, stage_topics(settings.topic_namespace))
    with running_worker(settings, tmp_path / "before-kill.log") as worker:
        await eventually(lambda: _some_progress(assessment_store, settings.generation), timeout=60, interval=0.02)
        stop_process(worker.pid, timeout=0, sig=signal.SIGKILL)
        killed_at = time.monotonic()
        mid_stream = not await settled(assessment_store, settings, ends)
    # Redelivery after the crash, plus copies the producers sent twice.
    await publish_script(settings.kafka_bootstrap_servers, settings.topic_namespace, events[::4])
    with running_worker(settings, tmp_path / "after-kill.log"):
        await settle(assessment_store, settings)
    await assert_hand_counts(assessment_store, settings.generation, found)
    assert mid_stream, "the worker finished before it could be killed; raise COHORTS_TO_KILL_IN"
    assert time.monotonic() - killed_at < 120


async def _some_progress(store: AssessmentStore, generation: str) -> bool:
    return bool(await store.progress(generation))
