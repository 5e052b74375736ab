"""(7) One versus two assessment workers on the same stream: each a fresh generation read from the start of the
topics until every event is flushed, timed from the workers' start (start-up and rebalance included) and between
10% and 90% of the events (the steady rate). The machine's CPU use says whether a second worker had a core to use.

(6) The one worker's resident memory once it holds the whole stream, less that of a worker holding nothing, per
student: the resident memory of the process, as an operator sizing a machine sees it."""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from dataclasses import dataclass

from bench.dataset import Dataset
from bench.environment import BenchEnv
from bench.fleet import Fleet, MachineLoad, cpu_seconds, rss_bytes
from bench.memory import Memory
from bench.profiling import Profiler, no_profiler
from bench.progress import Watch, steady_rate
from bench.stats import rate
from bench.workload import BUSINESS_DATE
from services.assessment.rebuild import end_offsets
from services.assessment.store import AssessmentStore, open_store
from shared.messaging.topics import ensure_topics, product_topics

IDLE_SECONDS = 3.0


@dataclass(frozen=True)
class WorkerRun:
    workers: int
    events: int
    seconds: float
    steady_per_second: float
    machine_busy: float  # share of all cores' time spent busy during the run (1.0: none left)
    worker_cpu_seconds: float
    resident_bytes: int  # the workers' RSS once settled and idle for a moment
    largest_share: float = 1.0  # of the stream's events, those on the partitions of the worker that held the most

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

    @property
    def bound(self) -> float:
        """The most two workers can be over one on this stream, each as fast as one alone: the one that holds
        more of it finishes last."""
        return 1 / self.two.largest_share


async def run_workers(
    env: BenchEnv, dataset: Dataset, generation: str, workers: int, profiler: Profiler = no_profiler
) -> WorkerRun:
    settings = env.assessment(dataset.name, generation, BUSINESS_DATE)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        with Fleet(env.logs(dataset.name)) as fleet:
            load = MachineLoad()
            running = [fleet.worker(f"{generation}-{n}", settings) for n in range(workers)]
            watch = Watch(store, settings)
            async with profiler.during(f"{workers} assessment worker(s)", running[0].pid):
                seconds = await watch.until_settled(1800, lambda: fleet.check(*running))
            busy, used = load.busy(), sum(cpu_seconds(w.pid) for w in running)
            resident = await _resident_when_idle([w.pid for w in running])
            share = await _largest_share(env, store, settings.generation, dataset)
    finally:
        await store.close()
    steady = steady_rate(watch.samples, dataset.events, rate(dataset.events, seconds))
    return WorkerRun(workers, dataset.events, seconds, steady, busy, used, resident, share)


async def _largest_share(env: BenchEnv, store: AssessmentStore, generation: str, dataset: Dataset) -> float:
    """Of the stream's events, the share on the partitions of the worker that owns the most of them at the end (as
    `partition_owners` records it): the stream is split by partnership over the partitions, not evenly."""
    rows = await store.pool.fetch("SELECT partition, owner FROM partition_owners WHERE generation = $1", generation)
    owners = {row["partition"]: row["owner"] for row in rows}
    held: Counter[str | None] = Counter()
    for (_, partition), end in (await end_offsets(env.bootstrap, dataset.topics)).items():
        held[owners.get(partition)] += end
    total = sum(held.values())
    return max(held.values()) / total if total else 1.0


async def _resident_when_idle(pids: list[int]) -> int:
    """RSS after a few flush intervals with nothing to do: fetch buffers and a flush's garbage are let go."""
    await asyncio.sleep(IDLE_SECONDS)
    return sum(rss_bytes(pid) for pid in pids)


async def idle_worker(env: BenchEnv, name: str = "idle") -> int:
    """The RSS of a worker on empty topics once it has claimed every partition: the worker's fixed size."""
    await ensure_topics(env.bootstrap, product_topics(env.namespace(name)), env.partitions)
    settings = env.assessment(name, "idle", BUSINESS_DATE)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        with Fleet(env.logs(name)) as fleet:
            worker = fleet.worker("worker", settings)
            deadline = time.monotonic() + 300
            while not await _claimed(store, settings.generation, env.partitions):
                fleet.check(worker)
                if time.monotonic() > deadline:
                    raise TimeoutError("the idle worker did not claim its partitions within 300 s")
                await asyncio.sleep(0.5)
            return await _resident_when_idle([worker.pid])
    finally:
        await store.close()


async def _claimed(store: AssessmentStore, generation: str, partitions: int) -> bool:
    claimed = await store.pool.fetchval("SELECT count(*) FROM partition_owners WHERE generation = $1", generation)
    return int(claimed) >= partitions


async def measure_workers(env: BenchEnv, dataset: Dataset, profiler: Profiler = no_profiler) -> tuple[Scaling, Memory]:
    """(7) one and two workers, and (6) the one worker's memory once it holds every student of the stream."""
    one = await run_workers(env, dataset, "one", 1, profiler)
    two = await run_workers(env, dataset, "two", 2, profiler)
    idle = await idle_worker(env)
    return Scaling(env.cpu_count, one, two), Memory(dataset.students, dataset.events, one.resident_bytes, idle)
