"""(5) Figure queries through assessment's HTTP API with `partnerships` partnerships in the store: a partnership's
live figures (another one each time, and one asked again and again, as a dashboard polls it), its figures as of a
date (recomputed from its records), a parent's live roll-up and its roll-up as of a date, a ranking, and the as-of
figures of one large partnership: asked again (the API keeps an as-of answer while its records are unchanged) and
asked each time for another instant (computed each time). One request at a time, so each latency is the query's
own; every kind stops after `samples` requests or `budget_seconds`, whichever comes first."""

from __future__ import annotations

import itertools
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import quote

from bench import load
from bench.credentials import operator
from bench.environment import BenchEnv
from bench.figure_store import FigureStore, build_figure_store
from bench.fleet import Fleet
from bench.profiling import Profiler, no_profiler
from bench.stats import Latency
from bench.workload import BUSINESS_DATE
from services.assessment.metrics.clock import SHANGHAI
from services.assessment.store import open_store

NAME = "query"
GENERATION = "q1"
AS_OF = BUSINESS_DATE.isoformat()


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

    def kind(self, name: str) -> QueryKind:
        return next(k for k in self.kinds if k.name == name)


def paths(built: FigureStore, rng: random.Random) -> dict[str, Callable[[], str]]:
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
    with Fleet(env.logs(NAME)) as fleet:
        api = fleet.service("assessment-api", "services.assessment.app:create_app", env.environ(NAME))
        await fleet.healthy(api)
        async with (
            operator(env.settings(NAME), "bench-queries") as credential,
            load.client(api.url, 1, credential) as http,
            profiler.during("figure queries (assessment API)", api.pid),
        ):
            for name, path in paths(built, rng).items():
                (await http.get(path())).raise_for_status()  # a token, the connection, the query plans
                timings: list[float] = []
                deadline = time.perf_counter() + budget_seconds
                while len(timings) < samples and time.perf_counter() < deadline:
                    started = time.perf_counter()
                    (await http.get(path())).raise_for_status()
                    timings.append(time.perf_counter() - started)
                kinds.append(QueryKind(name, Latency.of(timings)))
    return Queries(
        len(built.partnerships), built.figure_rows, built.record_rows, built.seconds, built.large_students, kinds
    )
