"""Figure (1) alone, for measuring a change to the ingest path before and after without the whole `make bench`:

    BENCH_EXTERNAL=1 BENCH_INGEST_SINGLE=200 BENCH_INGEST_BULK=4000 python -m bench.ingest_figure [--profile]

Sizes are `make bench`'s (bench/sizes.py, BENCH_* variables); BENCH_EXTERNAL=1 uses the broker and database of
KAFKA_BOOTSTRAP_SERVERS and DATABASE_URL. `--profile` samples the service with py-spy during both paths and writes
its raw stacks to .run/bench-ingest/profiles; the summary is printed. The service's CPU seconds per fact are
printed too: on a machine shared with other work they move less than the rates do.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import structlog
from rich.console import Console

from bench.environment import BenchEnv, bench_environment
from bench.fleet import cpu_seconds
from bench.ingest import Ingest, IngestPath, measure_ingest
from bench.profiling import Profiler, no_profiler
from bench.report import profile_lines
from bench.sizes import Sizes

console = Console()
WORKDIR = Path(__file__).resolve().parents[1] / ".run" / "bench-ingest"


class CpuMeter(Profiler):
    """The service's CPU seconds in each phase, with `inner` profiling it as well."""

    def __init__(self, inner: Profiler) -> None:
        super().__init__(inner.directory, inner.seconds)
        self.inner = inner
        self.cpu: dict[str, float] = {}

    @contextlib.asynccontextmanager
    async def during(self, label: str, pid: int) -> AsyncIterator[None]:
        before = cpu_seconds(pid)
        async with self.inner.during(label, pid):
            yield
        self.cpu[label] = cpu_seconds(pid) - before


def _line(name: str, path: IngestPath, cpu: float) -> str:
    return (
        f"{name}: {path.facts:,} facts in {path.seconds:.2f} s, {path.per_second:,.0f} facts/s into the outbox;"
        f" request p50 {path.latency.p50_ms:,.0f} ms, p99 {path.latency.p99_ms:,.0f} ms;"
        f" to the topic {path.to_topic_per_second:,.0f} facts/s; refused {path.refused};"
        f" the service's CPU {cpu * 1e6 / max(path.facts, 1):,.0f} µs per fact"
    )


async def _measure(env: BenchEnv, sizes: Sizes, profiler: Profiler) -> Ingest:
    try:
        return await measure_ingest(
            env, sizes.ingest_single, sizes.ingest_bulk, sizes.ingest_batch, sizes.http_concurrency, profiler
        )
    finally:
        await env.drop_run_schemas()


def main() -> None:
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(30))
    sizes = Sizes.from_env()
    profiled = "--profile" in sys.argv[1:]
    with bench_environment(WORKDIR) as env:
        meter = CpuMeter(Profiler(env.workdir / "profiles", 600) if profiled else no_profiler)
        ingest = asyncio.run(_measure(env, sizes, meter))
    console.print(_line("HTTP single", ingest.single, meter.cpu["ingest: HTTP single"]))
    console.print(_line(f"bulk import ({ingest.batch:,}/request)", ingest.bulk, meter.cpu["ingest: bulk import"]))
    for profile in meter.inner.profiles.values():
        console.print("\n".join(profile_lines(profile)), markup=False)


if __name__ == "__main__":
    main()
