"""(7) One versus two assessment workers on the same stream: each a fresh generation read from the start of the
topics until every event is flushed, timed from the workers' start (start-up and rebalance included) and between
10% and 90% of the events (the steady rate). The machine's CPU use says whether a second worker had a core to use."""

from __future__ import annotations

from dataclasses import dataclass

from bench.dataset import Dataset
from bench.environment import BenchEnv
from bench.fleet import Fleet, MachineLoad, cpu_seconds
from bench.profiling import Profiler, no_profiler
from bench.progress import Watch, steady_rate
from bench.stats import rate
from bench.workload import BUSINESS_DATE
from services.assessment.store import open_store


@dataclass(frozen=True)
class WorkerRun:
    workers: int
    events: int
    seconds: float
    steady_per_second: float
    machine_busy: float  # share of all cores' time spent busy during the run (1.0: none left)
    worker_cpu_seconds: float

    @property
    def per_second(self) -> float:
        return rate(self.events, self.seconds)


@dataclass(frozen=True)
class Scaling:
    cores: int
    one: WorkerRun
    two: WorkerRun

    @property
    def speedup(self) -> float:
        return self.two.steady_per_second / self.one.steady_per_second


async def run_workers(
    env: BenchEnv, dataset: Dataset, generation: str, workers: int, profiler: Profiler = no_profiler
) -> WorkerRun:
    settings = env.assessment(dataset.name, generation, BUSINESS_DATE)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        with Fleet(env.logs(dataset.name)) as fleet:
            load = MachineLoad()
            running = [fleet.worker(f"{generation}-{n}", settings) for n in range(workers)]
            watch = Watch(store, settings, lambda: [w.pid for w in running])
            async with profiler.during(f"{workers} assessment worker(s)", running[0].pid):
                seconds = await watch.until_settled(1800, lambda: fleet.check(*running))
            busy, used = load.busy(), sum(cpu_seconds(w.pid) for w in running)
    finally:
        await store.close()
    steady = steady_rate(watch.samples, dataset.events, rate(dataset.events, seconds))
    return WorkerRun(workers, dataset.events, seconds, steady, busy, used)


async def measure_scaling(env: BenchEnv, dataset: Dataset, profiler: Profiler = no_profiler) -> Scaling:
    one = await run_workers(env, dataset, "one", 1, profiler)
    two = await run_workers(env, dataset, "two", 2, profiler)
    return Scaling(env.cpu_count, one, two)
