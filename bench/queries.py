"""(5) Figure queries through assessment's HTTP API with `partnerships` partnerships in the store: a partnership's
live figures (another one each time, and one asked again and again, as a dashboard polls it), its figures as of a
date (recomputed from its records), a parent's live roll-up and its roll-up as of a date, a ranking, and the as-of
figures of one large partnership: asked again (the API keeps an as-of answer while its records are unchanged) and
asked each time for another instant (computed each time), and live answers again while another client asks for
roll-ups as of D, each computed. Then the day before is closed (`cycle assessment
close-day`'s `close_day`, timed) and a partnership's and a parent's figures as of that day are asked, each scope
once. One request at a time, so each latency is the query's own; every kind stops after `samples` requests or
`budget_seconds`, whichever comes first."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import httpx

from bench import load
from bench.collector import collector_frozen
from bench.credentials import operator
from bench.environment import BenchEnv
from bench.figure_store import FigureStore, build_figure_store
from bench.fleet import Fleet
from bench.profiling import Profiler, no_profiler
from bench.stats import Latency
from bench.workload import BUSINESS_DATE
from services.assessment.closing import ClosedDay, close_day
from services.assessment.metrics.clock import SHANGHAI, today_in_shanghai
from services.assessment.store import open_store

NAME = "query"
GENERATION = "q1"
AS_OF = BUSINESS_DATE.isoformat()
CLOSED_DAY = BUSINESS_DATE - timedelta(days=1)
BESIDE_ROLLUPS = "live, while roll-ups as of D are computed"
Path = Callable[[], str | None]  # the next request's path; None: the kind has asked all it asks


@dataclass(frozen=True)
class QueryKind:
    name: str
    latency: Latency


@dataclass(frozen=True)
class Queries:
    partnerships: int
    figure_rows: int
    record_rows: int
    build_seconds: float
    large_students: int
    kinds: list[QueryKind]
    closed: ClosedDay | None = None  # the day closed before the closed-day kinds

    def kind(self, name: str) -> QueryKind:
        return next(k for k in self.kinds if k.name == name)


def paths(built: FigureStore, rng: random.Random) -> dict[str, Path]:
    instants, polled = itertools.count(1), rng.choice(built.partnerships)
    return {
        "live": lambda: f"/partnerships/{rng.choice(built.partnerships)}/figures",
        "live, asked again": lambda: f"/partnerships/{polled}/figures",
        "as-of": lambda: f"/partnerships/{rng.choice(built.partnerships)}/figures?as_of={AS_OF}",
        "roll-up": lambda: f"/rollups/{rng.choice(built.parents)}/figures",
        "roll-up as-of": lambda: f"/rollups/{rng.choice(built.parents)}/figures?as_of={AS_OF}",
        "ranking": lambda: "/rankings/employment_rate?limit=100",
        "as-of, large partnership": lambda: f"/partnerships/{built.large}/figures?as_of={AS_OF}",
        "as-of, large partnership, computed": lambda: (
            f"/partnerships/{built.large}/figures?as_of={AS_OF}&at={quote(_before_end_of_day(next(instants)))}"
        ),
    }


def closed_paths(built: FigureStore, rng: random.Random) -> dict[str, Path]:
    """Each partnership and parent asked once (a scope asked again would be answered from what the API process
    keeps, not from the answer kept in PostgreSQL)."""
    day = CLOSED_DAY.isoformat()
    partnerships, parents = _each_once(built.partnerships, rng), _each_once(built.parents, rng)
    return {
        "as-of, closed day": lambda: _path("partnerships", partnerships(), day),
        "roll-up as-of, closed day": lambda: _path("rollups", parents(), day),
    }


def _each_once(items: Sequence[object], rng: random.Random) -> Callable[[], object | None]:
    order = iter(rng.sample(list(items), len(items)))
    return lambda: next(order, None)


def _path(kind: str, scope: object | None, day: str) -> str | None:
    return None if scope is None else f"/{kind}/{scope}/figures?as_of={day}"


def _before_end_of_day(seconds: int) -> str:
    """An instant `seconds` before the end of the business date: another question each time, the same records."""
    end = datetime.combine(BUSINESS_DATE + timedelta(days=1), datetime.min.time(), tzinfo=SHANGHAI)
    return (end - timedelta(seconds=seconds)).isoformat()


async def build_query_store(env: BenchEnv, partnerships: int, students: int, large_students: int) -> FigureStore:
    """The store the queries read, built once per run (the profiling pass reads it again)."""
    settings = env.assessment(NAME, GENERATION)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        return await build_figure_store(store, GENERATION, partnerships, students, large_students)
    finally:
        await store.close()


async def measure_queries(
    env: BenchEnv, built: FigureStore, samples: int, budget_seconds: float = 20, profiler: Profiler = no_profiler
) -> Queries:
    rng, kinds = random.Random(5), []
    with Fleet(env.logs(NAME)) as fleet, collector_frozen():
        api = fleet.service("assessment-api", "services.assessment.app:create_app", env.environ(NAME))
        await fleet.healthy(api)
        async with (
            operator(env.settings(NAME), "bench-queries") as credential,
            load.client(api.url, 1, credential) as http,
            profiler.during("figure queries (assessment API)", api.pid),
        ):
            for name, path in paths(built, rng).items():
                kinds.append(QueryKind(name, await _timed(http, path, samples, budget_seconds)))
            async with load.client(api.url, 1, credential) as other:
                latency = await _timed_beside(http, other, built, rng, samples, budget_seconds)
                kinds.append(QueryKind(BESIDE_ROLLUPS, latency))
            closed = await _closed(env, built)
            for name, path in closed_paths(built, rng).items():  # the client is warm: every scope is a sample
                kinds.append(QueryKind(name, await _timed(http, path, samples, budget_seconds, warm=False)))
    return Queries(
        len(built.partnerships),
        built.figure_rows,
        built.record_rows,
        built.seconds,
        built.large_students,
        kinds,
        closed,
    )


async def _timed(
    http: httpx.AsyncClient, path: Path, samples: int, budget_seconds: float, *, warm: bool = True
) -> Latency:
    if warm:
        first = path()
        assert first is not None
        (await http.get(first)).raise_for_status()  # a token, the connection, the query plans
    timings: list[float] = []
    deadline = time.perf_counter() + budget_seconds
    while len(timings) < samples and time.perf_counter() < deadline and (asked := path()) is not None:
        started = time.perf_counter()
        (await http.get(asked)).raise_for_status()
        timings.append(time.perf_counter() - started)
    return Latency.of(timings)


async def _timed_beside(
    http: httpx.AsyncClient,
    other: httpx.AsyncClient,
    built: FigureStore,
    rng: random.Random,
    samples: int,
    budget_seconds: float,
) -> Latency:
    """Live answers while another client asks one parent's roll-up as of D after another, each as of another instant
    (computed each time: the API's compute processes busy, or with ASSESSMENT_COMPUTE_PROCESSES=0 its thread)."""
    instants = itertools.count(100_000)

    async def rollups() -> None:
        while True:
            at = quote(_before_end_of_day(next(instants)))
            (await other.get(f"/rollups/{rng.choice(built.parents)}/figures?as_of={AS_OF}&at={at}")).raise_for_status()

    asking = asyncio.create_task(rollups())
    try:
        live = paths(built, rng)["live"]
        return await _timed(http, live, samples, budget_seconds)
    finally:
        asking.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asking


async def _closed(env: BenchEnv, built: FigureStore) -> ClosedDay:
    """The day before closed as an operator closes it, every partnership and parent of the store."""
    settings = env.assessment(NAME, GENERATION)
    store = await open_store(settings.database_url, settings.db_schema)
    try:
        return await close_day(store, GENERATION, CLOSED_DAY, today_in_shanghai(datetime.now(UTC)))
    finally:
        await store.close()
