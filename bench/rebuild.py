"""(3) Assessment rebuild from the start of the topics, as `cycle assessment rebuild` runs it (a fresh generation in
a worker process of its own, activated once it has caught up), beside the raw consume-and-decode rate of the same
records."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass

from bench.dataset import Dataset
from bench.environment import BenchEnv
from bench.profiling import Profiler, no_profiler
from bench.progress import Watch, steady_rate, worker_children
from bench.stats import rate
from bench.workload import BUSINESS_DATE
from services.assessment.rebuild import RebuildReport, rebuild
from services.assessment.store import open_store


@dataclass(frozen=True)
class Rebuild:
    events: int
    seconds: float  # from the command's start to the generation activated, worker start-up included
    steady_per_second: float  # between 10% and 90% of the events flushed

    @property
    def per_second(self) -> float:
        return rate(self.events, self.seconds)


async def measure_rebuild(
    env: BenchEnv, dataset: Dataset, generation: str = "rebuild", profiler: Profiler = no_profiler
) -> Rebuild:
    settings = env.assessment(dataset.name, "g0", BUSINESS_DATE)
    store = await open_store(settings.database_url, settings.db_schema)
    fresh = settings.model_copy(update={"generation": generation})
    watch = Watch(store, fresh)
    logs = env.logs(dataset.name)
    logs.mkdir(parents=True, exist_ok=True)
    try:
        running = asyncio.create_task(rebuild(settings, generation=generation, log_path=logs / f"{generation}.log"))
        async with contextlib.AsyncExitStack() as profiling:
            profiled = False
            while not running.done():
                flowing = bool(watch.samples) and watch.samples[-1].flushed > 0  # its start-up is not ours to profile
                if not profiled and flowing and (pids := worker_children()):
                    await profiling.enter_async_context(profiler.during("assessment rebuild (worker)", pids[0]))
                    profiled = True
                await watch.sample()
                if (stall := watch.stalled(dataset.events)) is not None:
                    running.cancel()  # rebuild() stops its worker on the way out
                    await asyncio.gather(running, return_exceptions=True)
                    raise TimeoutError(stall)
                await asyncio.wait({running}, timeout=0.5)
        report: RebuildReport = running.result()
    finally:
        await store.close()
    steady = steady_rate(watch.samples, report.events, report.events / report.seconds)
    return Rebuild(report.events, report.seconds, steady)
