"""(2) The scaled programme driven through the product end to end: every fact imported into the stage services over
HTTP with the day it was recorded, by the simulator's driver on the bulk path (the facts in flight share import
requests of up to `batch` facts; simulation/batching.py), the downstream services learning from events, the
assessment worker folding the events, until every figure read from assessment's API equals the ground truth
(as-of readings at past dates included).

The issue's size is 100,000 students (about 912,000 facts); BENCH_STUDENTS chooses the size run, and the time is
projected to 100,000 students in proportion to the facts, which is what it is while the throughput holds.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import Any

from bench import load
from bench.credentials import operator
from bench.environment import BenchEnv
from bench.fleet import Fleet
from bench.profiling import Profiler, no_profiler
from shared.application.clock import SystemClock, business_today
from simulation.assessment_reader import AssessmentReader
from simulation.compare import Comparison
from simulation.driver import drive
from simulation.generator import scaled_programme
from simulation.ids import Ids
from simulation.truth_file import truth_document

NAME = "scenario"
TARGET_STUDENTS = 100_000
STAGE_SERVICES = ("recruitment", "training", "employment")
STEADY_COMPARISONS = 5


@dataclass(frozen=True)
class Caught:
    seconds: float  # since the first post, until the figures last changed
    result: Comparison


@dataclass(frozen=True)
class Scenario:
    students: int
    facts: int
    commands: int
    drive_seconds: float  # every fact posted and answered
    end_to_end_seconds: float  # from the first post until assessment's figures stopped changing (caught up)
    checked: int  # figures compared
    mismatches: int
    failures: int  # facts the driver could not record
    first_mismatches: list[str]
    batch: int = 0  # facts per import request at most; 0: live commands, one per request

    @property
    def commands_per_second(self) -> float:
        return self.commands / self.drive_seconds if self.drive_seconds else float("nan")

    @property
    def projected_seconds(self) -> float:
        """End to end at 100,000 students, in proportion to the facts."""
        return self.end_to_end_seconds * TARGET_STUDENTS / self.students


async def caught_up(reader: AssessmentReader, truth: dict[str, Any], started: float, timeout: float) -> Caught:
    """Compare until nothing differs, or until the differences stop changing (assessment has caught up and what
    still differs is a disagreement, reported as such), or the deadline passes."""
    deadline, steady, last, since = time.perf_counter() + timeout, 0, None, 0.0
    while True:
        result, _ = await reader.compare(truth)
        seen = [m.describe() for m in result.mismatches]
        if seen != last:
            last, since, steady = seen, time.perf_counter() - started, 0
        steady += 1
        if not seen or steady >= STEADY_COMPARISONS or time.perf_counter() > deadline:
            return Caught(since, result)
        await asyncio.sleep(1)


async def measure_scenario(
    env: BenchEnv, students: int, batch: int = 2_000, profiler: Profiler = no_profiler
) -> Scenario:
    """`batch`: facts per import request at most, with as many in flight; 0 posts live commands, 16 in flight."""
    programme = scaled_programme(students)
    today = business_today(SystemClock().now())
    ids = Ids.for_scenario(programme.name, programme.seed)
    truth = truth_document(programme, ids, today, imported=batch > 0)
    environ = env.environ(NAME)
    with Fleet(env.logs(NAME)) as fleet:
        services = {
            name: fleet.service(name, f"services.{name}.app:create_app", environ)
            for name in (*STAGE_SERVICES, "assessment")
        }
        worker = fleet.worker("assessment-worker", env.assessment(NAME, "g1", today))
        await fleet.healthy(*services.values())
        urls = {name: services[name].url for name in STAGE_SERVICES}
        async with operator(env.settings(NAME), "bench-scenario") as credential:
            started = time.perf_counter()
            async with profiler.during("scenario: recruitment service", services["recruitment"].pid):
                report, _ = await drive(
                    programme,
                    urls,
                    concurrency=batch or 16,
                    credential=credential,
                    import_history=batch > 0,
                    batch=batch or None,
                )
            fleet.check(worker)
            async with load.client(services["assessment"].url, 4, credential) as http:
                caught = await caught_up(AssessmentReader(http), truth, started, timeout=max(120, report.seconds))
    result = caught.result
    return Scenario(
        students,
        programme.fact_count(),
        report.total_commands,
        report.seconds,
        caught.seconds,
        result.checked,
        len(result.mismatches),
        len(report.failures),
        [m.describe() for m in result.mismatches[:5]] + report.failures[:5],
        batch,
    )
