"""A small seeded programme's history imported through the real services' HTTP APIs, each fact with the day it was
first recorded: every path a reader takes — live figures, figures as of four past dates, both metric versions, the
final flag, targets, alerts, member counts — equals the ground truth the simulation computed by its own plain code
(issues 6 and 14)."""

from __future__ import annotations

import contextlib
import functools
import json
from datetime import datetime, time
from pathlib import Path

import pytest

from services.assessment.app import create_app as assessment_app
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.application.clock import BUSINESS_TZ, FixedClock
from shared.config import ServiceSettings
from simulation.alerts import read_alerts
from simulation.assessment_reader import AssessmentReader
from simulation.compare import Comparison
from simulation.driver import drive
from simulation.generator import small_programme
from simulation.ids import Ids
from simulation.truth_file import truth_document
from tests.support.assessment import assessment_settings, running_worker
from tests.support.http import operator, serving
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(1200)

# (compared, empty on both sides, extra, missing, mismatches) per path, for small_programme(seed=7) as of its last
# day 2026-11-23, with past readings on 2023-08-31, 2024-10-31, 2025-09-30 and 2026-06-30.
EXPECTED: dict[str, tuple[int, int, int, int, int]] = {
    "live v1": (2580, 345, 0, 0, 0),
    "live v2": (2617, 308, 0, 0, 0),
    "2023-08-31 v1": (905, 1461, 0, 0, 0),
    "2023-08-31 v2": (905, 1461, 0, 0, 0),
    "2024-10-31 v1": (1939, 439, 0, 0, 0),
    "2024-10-31 v2": (1949, 429, 0, 0, 0),
    "2025-09-30 v1": (2352, 328, 0, 0, 0),
    "2025-09-30 v2": (2381, 299, 0, 0, 0),
    "2026-06-30 v1": (2377, 303, 0, 0, 0),
    "2026-06-30 v2": (2414, 266, 0, 0, 0),
    "final flag": (26058, 0, 0, 0, 0),  # every figure answered on both sides
    "targets": (45, 0, 0, 0, 0),  # in force on each day, with their figure's status
    "alerts": (9, 0, 0, 0, 0),  # the last alert of each target against whether it is met today
    "members": (45, 0, 0, 0, 0),  # counts by role on each day
}


async def caught_up(reader: AssessmentReader, truth: dict[str, object], timeout: float) -> Comparison:
    """Compares until nothing differs (assessment has caught up) or the deadline passes; returns the last result."""
    last: Comparison | None = None

    async def nothing_differs() -> bool:
        nonlocal last
        last, _ = await reader.compare(truth)
        return not last.mismatches

    with contextlib.suppress(AssertionError):  # the mismatches themselves are asserted by the caller
        await eventually(nothing_differs, timeout=timeout, interval=2.0)
    assert last is not None
    return last


async def test_every_path_a_reader_takes_equals_the_ground_truth(service_settings: ServiceSettings, tmp_path: Path):
    scenario = small_programme(seed=7)
    today = scenario.generated_on
    # The services live on the scenario's last day, so the counts below never depend on the calendar.
    clock = FixedClock(datetime.combine(today, time(12), BUSINESS_TZ))
    truth = truth_document(scenario, Ids.for_scenario(scenario.name, scenario.seed), today, imported=True)
    settings = assessment_settings(service_settings, business_date=today)
    async with (
        serving(functools.partial(recruitment_app, clock=clock), service_settings) as recruitment,
        serving(functools.partial(training_app, clock=clock), service_settings) as training,
        serving(functools.partial(employment_app, clock=clock), service_settings) as employment,
        serving(assessment_app, settings) as assessment,  # type: ignore[arg-type]  # its settings extend these
    ):
        with running_worker(settings, tmp_path / "assessment-worker.log"):
            urls = {
                "recruitment": str(recruitment.base_url),
                "training": str(training.base_url),
                "employment": str(employment.base_url),
            }
            credential = await operator(service_settings)
            report, _ = await drive(
                scenario, urls, concurrency=8, wait_timeout=60, credential=credential, import_history=True
            )
            assert report.failures == []

            async def alerts() -> list[dict[str, object]]:
                return await read_alerts(settings.kafka_bootstrap_servers, settings.topic_namespace)

            result = await caught_up(AssessmentReader(assessment, recruitment, alerts), truth, timeout=420)
    assert [m.describe() for m in result.mismatches][:40] == []
    counts = {path: tally.counts for path, tally in result.paths.items()}
    assert counts == EXPECTED, json.dumps(counts, sort_keys=True)  # the whole table when it differs
