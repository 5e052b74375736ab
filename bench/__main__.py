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
from bench.ingest import PARALLEL_LABEL, SCALED_LABEL, measure_ingest
from bench.learners import measure_learners
from bench.memory import memory_breakdown
from bench.profiling import Profiler
from bench.queries import Queries, build_query_store, measure_queries
from bench.rebuild import measure_rebuild
from bench.report import write
from bench.results import Results, missed
from bench.scenario import measure_scenario
from bench.sizes import Sizes
from bench.workers import measure_workers

REPO = Path(__file__).resolve().parents[1]
WORKDIR = REPO / ".run" / "bench"
console = Console()


async def measure(env: BenchEnv, sizes: Sizes, *, together: bool = False) -> Results:
    """Every measurement, one after another so that none disturbs another's numbers. `together` runs them at once
    (each has its own topics, schemas and processes): the smoke test's way, where the numbers do not matter.
    A measurement that fails is reported with its error; the others go on."""
    results = Results(await env.machine(), sizes, datetime.now(UTC).strftime("%Y-%m-%d %H:%M"))
    console.log(f"machine: {results.machine.describe()}")
    console.log(f"publishing {sizes.assess_students:,} students' events (the raw produce loop)")
    dataset = await publish_dataset(env, sizes.assess_students)
    built: list[FigureStore] = []

    async def queries() -> Queries:
        built.append(
            await build_query_store(env, sizes.partnerships, sizes.students_per_partnership, sizes.large_partnership)
        )
        return await measure_queries(env, built[0], sizes.query_samples)

    async def workers() -> None:
        results.scaling, results.memory = await measure_workers(env, dataset)

    steps: dict[str, tuple[str | None, Callable[[], Awaitable[Any]]]] = {
        "anchors": ("anchors", lambda: measure_anchors(env, sizes, dataset)),
        "(1) ingest": ("ingest", lambda: measure_ingest(
            env, sizes.ingest_single, sizes.ingest_bulk, sizes.ingest_batch, sizes.http_concurrency)),
        f"(2) scaled programme, {sizes.students:,} students": ("scenario", lambda: measure_scenario(
            env, sizes.students, sizes.ingest_batch) if sizes.students else _nothing()),
        "(3) rebuild": ("rebuild", lambda: measure_rebuild(env, dataset)),
        "(3) learners": ("learners", lambda: measure_learners(env, dataset)),
        "(4) freshness": ("freshness", lambda: measure_freshness(env, sizes.freshness_rate, sizes.freshness_seconds)),
        "(4) freshness, lighter load": ("freshness_light", lambda: measure_freshness(
            env, sizes.freshness_light_rate, sizes.freshness_seconds, name="freshl")),
        f"(5) figure queries, {sizes.partnerships:,} partnerships": ("queries", queries),
        "(6, 7) one and two workers, memory": (None, workers),
        "(6) where a worker's memory goes": (
            "memory_parts", lambda: asyncio.to_thread(memory_breakdown, sizes.memory_students)),
    }  # fmt: skip

    async def run(name: str, field: str | None, step: Callable[[], Awaitable[Any]]) -> None:
        console.log(name)
        try:
            found = await step()
        except Exception as error:  # reported in BENCHMARKS.md; the other measurements still run
            console.log(f"[red]{name} failed:[/] {error!r}")
            results.failures[name] = f"{type(error).__name__}: {error}"
            return
        if field is not None:
            setattr(results, field, found)

    if together:
        await asyncio.gather(*(run(name, field, step) for name, (field, step) in steps.items()))
    else:
        for name, (field, step) in steps.items():
            await run(name, field, step)
    if os.environ.get("BENCH_PROFILE", "1") != "0":
        await profile_misses(env, sizes, results, built[0] if built else None)
    await env.drop_run_schemas()
    return results


async def _nothing() -> None:
    return None


async def profile_misses(env: BenchEnv, sizes: Sizes, results: Results, built: FigureStore | None) -> None:
    """Each measurement with a missed goal once more, smaller, under py-spy (the main run stays unperturbed)."""
    profiler = Profiler(env.workdir / "profiles", sizes.profile_seconds)
    labels = {row.profile for row in missed(results)}
    if labels & {"ingest: bulk import", PARALLEL_LABEL, SCALED_LABEL, "ingest: HTTP single"}:
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
    if "figure queries (assessment API)" in labels and built is not None:
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
    write(results, REPO / "BENCHMARKS.md", REPO / "bench" / "results.json", os.environ.get("BENCH_NOTE", ""))
    console.log(f"written BENCHMARKS.md and bench/results.json in {results.seconds / 60:.1f} minutes")


if __name__ == "__main__":
    main()
