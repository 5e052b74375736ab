"""A small seeded programme driven through the real services' HTTP APIs: every metric of every partnership that
assessment computes must equal the ground truth the simulation computed by its own plain code (issue 6)."""

from __future__ import annotations

import contextlib
import functools
from datetime import date, datetime, time
from pathlib import Path

import pytest

from services.assessment.app import create_app as assessment_app
from services.employment.app import create_app as employment_app
from services.recruitment.app import create_app as recruitment_app
from services.training.app import create_app as training_app
from shared.application.clock import BUSINESS_TZ, Clock, FixedClock, SystemClock, business_today
from shared.config import ServiceSettings
from simulation.assessment_reader import AssessmentReader
from simulation.compare import Comparison
from simulation.driver import drive
from simulation.generator import small_programme
from simulation.ground_truth import compute_truth
from simulation.ids import Ids
from simulation.truth_file import truth_document
from tests.support.assessment import assessment_settings, running_worker
from tests.support.http import operator, serving
from tests.support.waiting import eventually

pytestmark = pytest.mark.timeout(900)


async def caught_up(reader: AssessmentReader, truth: dict[str, object], timeout: float) -> Comparison:
    """Compares until nothing differs (assessment has caught up) or the deadline passes; returns the last result."""
    last: Comparison | None = None

    async def nothing_differs() -> bool:
        nonlocal last
        last, _ = await reader.compare(truth)
        return not last.mismatches

    with contextlib.suppress(AssertionError):  # the mismatches themselves are asserted by the caller
        await eventually(nothing_differs, timeout=timeout, interval=1.0)
    assert last is not None
    return last


def scenario_clock(last_day: date) -> Clock:
    """The wall clock, or the scenario's last day when the calendar has not reached it yet (no fact may be dated
    after the day it is recorded)."""
    system = SystemClock()
    if business_today(system.now()) >= last_day:
        return system
    return FixedClock(datetime.combine(last_day, time(12), BUSINESS_TZ))


async def test_every_metric_of_every_partnership_equals_the_ground_truth(
    service_settings: ServiceSettings, tmp_path: Path
):
    scenario = small_programme(seed=7)
    clock = scenario_clock(scenario.generated_on)
    today = business_today(clock.now())
    truth = truth_document(compute_truth(scenario, today), scenario, Ids.for_scenario(scenario.name, scenario.seed))
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
            report, _ = await drive(scenario, urls, concurrency=8, wait_timeout=60, credential=credential)
            assert report.failures == []
            result = await caught_up(AssessmentReader(assessment), truth, timeout=300)
    assert result.checked > 1000
    assert [m.describe() for m in result.mismatches] == []
