"""`make bench`: every figure of issue 12 measured beside its anchor in one run, on one broker and one database
started for the run and stopped at its end; writes BENCHMARKS.md and bench/results.json.

Sizes come from BENCH_* environment variables (bench/sizes.py). A figure that misses its goal is measured again
under py-spy (BENCH_PROFILE=0 skips that) and BENCHMARKS.md says where its time goes. Logs and profiles stay in
.run/bench/.
"""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import signal
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import Any

import structlog
from rich.console import Console

from bench.anchors import measure_anchors
from bench.dataset import publish_dataset
from bench.environment import BenchEnv, bench_environment
from bench.figure_store import FigureStore
from bench.freshness import measure_freshness
from bench.ingest import measure_ingest
from bench.memory import memory_breakdown
from bench.profiling import Profiler
from bench.queries import build_query_store, measure_queries
from bench.rebuild import measure_rebuild
from bench.report import findings, write
from bench.results import Results, missed
from bench.scenario import measure_scenario
from bench.sizes import Sizes
from bench.workers import measure_scaling

REPO = Path(__file__).resolve().parents[1]
WORKDIR = REPO / ".run" / "bench"
MEMORY_STUDENTS = 300  # tracemalloc slows the fold tenfold; per student, 300 say what 100,000 would
console = Console()


async def measure(env: BenchEnv, sizes: Sizes, *, together: bool = False) -> Results:
    """Every measurement, one after another so that none disturbs another's numbers. `together` runs them at once
    (each has its own topics, schemas and processes): the smoke test's way, where the numbers do not matter."""
    started = datetime.now(UTC).strftime("%Y-%m-%d %H:%M")
    machine = await env.machine()
    console.log(f"machine: {machine.describe()}")
    console.log(f"publishing {sizes.assess_students:,} students' events (the raw produce loop)")
    dataset = await publish_dataset(env, sizes.assess_students)
    console.log(f"building a figure store of {sizes.partnerships:,} partnerships")
    built = await build_query_store(env, sizes.partnerships, sizes.students_per_partnership, sizes.large_partnership)
    steps: list[tuple[str, Callable[[], Awaitable[Any]]]] = [
        ("anchors", lambda: measure_anchors(env, sizes, dataset)),
        ("(1) ingest", lambda: measure_ingest(
            env, sizes.ingest_single, sizes.ingest_bulk, sizes.ingest_batch, sizes.http_concurrency)),
        (f"(2) scaled programme, {sizes.students:,} students", lambda: measure_scenario(
            env, sizes.students, sizes.http_concurrency) if sizes.students else _nothing()),
        ("(3, 6) rebuild and memory", lambda: measure_rebuild(env, dataset)),
        ("(4) freshness", lambda: measure_freshness(env, sizes.freshness_rate, sizes.freshness_seconds)),
        (f"(5) figure queries, {sizes.partnerships:,} partnerships", lambda: measure_queries(
            env, built, sizes.query_samples)),
        ("(7) one and two workers", lambda: measure_scaling(env, dataset)),
        ("(6) where a worker's memory goes", lambda: asyncio.to_thread(memory_breakdown, MEMORY_STUDENTS)),
    ]  # fmt: skip
    if together:
        found = await asyncio.gather(*(step() for _, step in steps))
    else:
        found = []
        for name, step in steps:
            console.log(name)
            found.append(await step())
    anchors, ingest, scenario, (rebuild, memory), freshness, queries, scaling, parts = found
    results = Results(
        machine, sizes, started, anchors, ingest, rebuild, memory, parts, freshness, queries, scaling, scenario
    )
    if os.environ.get("BENCH_PROFILE", "1") != "0":
        await profile_misses(env, sizes, results, built)
    await env.drop_run_schemas()
    return results


async def _nothing() -> None:
    return None


async def profile_misses(env: BenchEnv, sizes: Sizes, results: Results, built: FigureStore) -> None:
    """Each measurement with a missed goal once more, smaller, under py-spy (the main run stays unperturbed)."""
    profiler = Profiler(env.workdir / "profiles", sizes.profile_seconds)
    labels = {row.profile for row in missed(results)}
    if labels & {"ingest: bulk import", "ingest: HTTP single"}:
        console.log("profiling ingest")
        single, bulk = min(sizes.ingest_single, 500), min(sizes.ingest_bulk, 4 * sizes.ingest_batch)
        await measure_ingest(env, single, bulk, sizes.ingest_batch, sizes.http_concurrency, profiler, name="ingestp")
    if "assessment rebuild (worker)" in labels:
        console.log("profiling the rebuild")
        dataset = await publish_dataset(env, min(sizes.assess_students, 2_000), name="assessp")
        await measure_rebuild(env, dataset, "profiled", profiler)
    if "freshness (worker)" in labels:
        console.log("profiling freshness")
        await measure_freshness(
            env, sizes.freshness_rate, min(sizes.freshness_seconds, 15), profiler=profiler, name="freshp"
        )
    if "figure queries (assessment API)" in labels:
        console.log("profiling the figure queries")
        await measure_queries(env, built, min(sizes.query_samples, 20), budget_seconds=5, profiler=profiler)
    results.profiles = profiler.profiles


def _stop_on_terminate(signum: int, frame: FrameType | None) -> None:
    raise KeyboardInterrupt  # unwinds through every `finally`: services, workers, broker and database stop


def main() -> None:
    signal.signal(signal.SIGTERM, _stop_on_terminate)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))  # warnings and above
    sizes = Sizes.from_env()
    shutil.rmtree(WORKDIR, ignore_errors=True)
    started = time.perf_counter()
    with bench_environment(WORKDIR) as env:
        results = asyncio.run(measure(env, sizes))
    results = dataclasses.replace(results, seconds=time.perf_counter() - started)
    write(results, findings(results), REPO / "BENCHMARKS.md", REPO / "bench" / "results.json")
    console.log(f"written BENCHMARKS.md and bench/results.json in {results.seconds / 60:.1f} minutes")


if __name__ == "__main__":
    main()
