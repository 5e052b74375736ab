"""One run's results, and each figure beside its anchor and its goal from issue 12.

A measurement that failed is None in the results and named in `failures` with its error: the run goes on, and
the report shows what it could measure.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench.anchors import Anchors
from bench.environment import Machine
from bench.freshness import Freshness
from bench.ingest import IN_FLIGHT, PARALLEL_LABEL, SCALED_LABEL, SCALED_PROCESSES, Ingest, IngestPath
from bench.learners import Learning
from bench.memory import Memory, MemoryBreakdown
from bench.profiling import Profile
from bench.queries import Queries
from bench.rebuild import Rebuild
from bench.scenario import TARGET_STUDENTS, Scenario
from bench.sizes import Sizes
from bench.workers import Scaling

MILLION = 1_000_000
NAN = math.nan


@dataclass
class Results:
    machine: Machine
    sizes: Sizes
    started: str
    anchors: Anchors | None = None
    ingest: Ingest | None = None
    scenario: Scenario | None = None
    rebuild: Rebuild | None = None
    learners: Learning | None = None
    memory: Memory | None = None
    memory_parts: MemoryBreakdown | None = None
    freshness: Freshness | None = None
    freshness_light: Freshness | None = None  # at a rate the worker has room for: no goal, where it holds
    queries: Queries | None = None
    scaling: Scaling | None = None
    failures: dict[str, str] = field(default_factory=dict)  # measurement -> its error
    seconds: float = 0.0
    profiles: dict[str, Profile] = field(default_factory=dict)


@dataclass(frozen=True)
class Row:
    """A figure; beside it, when it has them, its anchor (and the ratio to it) and its goal."""

    section: str
    figure: str
    value: float
    unit: str
    anchor: str = ""
    anchor_value: float = NAN
    goal: str = ""
    met: bool | None = None
    profile: str = ""  # the label of the profile that says where its time goes

    @property
    def ratio(self) -> float:
        return self.value / self.anchor_value if self.anchor_value else NAN


@dataclass(frozen=True)
class AnchorRates:
    """The anchors' rates, NaN where the anchors could not be measured."""

    produce: float = NAN
    decode: float = NAN
    bare: float = NAN
    bare_p99_ms: float = NAN
    insert: float = NAN

    @classmethod
    def of(cls, anchors: Anchors | None) -> AnchorRates:
        if anchors is None:
            return cls()
        return cls(
            anchors.produce_loop.per_second,
            anchors.consume_and_decode.per_second,
            anchors.bare_fastapi.per_second,
            anchors.bare_fastapi.latency.p99_ms,
            anchors.asyncpg_insert.per_second,
        )


def ingest_rows(i: Ingest, a: AnchorRates) -> list[Row]:
    return [
        Row("1", "HTTP single: facts/s into the outbox", i.single.per_second, "facts/s", "bare FastAPI", a.bare),
        Row("1", "HTTP single: request p99", i.single.latency.p99_ms, "ms", "bare FastAPI p99", a.bare_p99_ms),
        Row("1", "HTTP single: request → topic, facts/s", i.single.to_topic_per_second, "facts/s",
            "raw aiokafka produce", a.produce),
        Row("1", f"bulk import ({i.batch:,}/request): facts/s into the outbox", i.bulk.per_second, "facts/s",
            "asyncpg multi-row insert", a.insert, "≥ 5,000 facts/s per stage service", i.bulk.per_second >= 5000,
            "ingest: bulk import"),
        Row("1", "bulk import: request → topic, facts/s", i.bulk.to_topic_per_second, "facts/s",
            "raw aiokafka produce", a.produce, "≥ 25% of the raw produce rate",
            i.bulk.to_topic_per_second >= 0.25 * a.produce if math.isfinite(a.produce) else None,
            "ingest: bulk import"),
        Row("1", "bulk import: fact request → topic p99", i.bulk.to_topic.p99_ms, "ms"),
        *(_parallel_rows(i.parallel, a, f"{IN_FLIGHT} requests in flight", f"{IN_FLIGHT} in flight", PARALLEL_LABEL)
          if i.parallel is not None else []),
        *(_parallel_rows(i.scaled_out, a, f"{IN_FLIGHT} in flight, {SCALED_PROCESSES} service processes",
                         f"{IN_FLIGHT} in flight, {SCALED_PROCESSES} processes", SCALED_LABEL)
          if i.scaled_out is not None else []),
    ]  # fmt: skip


def _parallel_rows(p: IngestPath, a: AnchorRates, long: str, short: str, label: str) -> list[Row]:
    return [
        Row("1", f"bulk import, {long}: facts/s into the outbox", p.per_second, "facts/s",
            "asyncpg multi-row insert", a.insert, "≥ 5,000 facts/s per stage service", p.per_second >= 5000, label),
        Row("1", f"bulk import, {short}: request → topic, facts/s", p.to_topic_per_second, "facts/s",
            "raw aiokafka produce", a.produce, "≥ 25% of the raw produce rate",
            p.to_topic_per_second >= 0.25 * a.produce if math.isfinite(a.produce) else None, label),
    ]  # fmt: skip


def scenario_rows(s: Scenario, a: AnchorRates) -> list[Row]:
    minutes = s.projected_seconds / 60
    return [
        Row("2", f"{s.students:,} students end to end", s.end_to_end_seconds, "s"),
        Row("2", f"{TARGET_STUDENTS:,} students end to end (projected)", minutes, "min", goal="< 10 min",
            met=minutes < 10 and s.mismatches == 0, profile="ingest: HTTP single"),
        Row("2", "facts/s over HTTP while driving" + (" (bulk import)" if s.batch else ""), s.commands_per_second,
            "facts/s", "bare FastAPI", a.bare),
    ]  # fmt: skip


def rebuild_rows(rb: Rebuild, a: AnchorRates) -> list[Row]:
    million = MILLION / rb.steady_per_second if rb.steady_per_second else NAN
    return [
        Row("3", "rebuild from the start of the topics: events/s (steady)", rb.steady_per_second, "events/s",
            "consume-and-decode loop", a.decode, "≥ 50% of consume-and-decode",
            rb.steady_per_second >= 0.5 * a.decode if math.isfinite(a.decode) else None,
            "assessment rebuild (worker)"),
        Row("3", "rebuild, command start to activated: events/s", rb.per_second, "events/s",
            "consume-and-decode loop", a.decode),
        Row("3", "1,000,000 events rebuilt (projected at the steady rate)", million, "s", goal="< 120 s",
            met=million < 120, profile="assessment rebuild (worker)"),
    ]  # fmt: skip


def learner_rows(le: Learning, a: AnchorRates) -> list[Row]:
    return [
        Row("3", "learners' idempotent consumer, one row per event: events/s", le.per_second, "events/s",
            "consume-and-decode loop", a.decode),
    ]  # fmt: skip


def freshness_rows(f: Freshness, goal: bool = True) -> list[Row]:
    at = f"at {f.target_per_second:,} events/s"
    if not goal:
        latency = f.latency
        return [Row("4", f"freshness p{n} {at}", ms, "ms") for n, ms in ((99, latency.p99_ms), (50, latency.p50_ms))]
    return [
        Row("4", f"freshness p99 {at}", f.latency.p99_ms, "ms", goal="< 500 ms", met=f.latency.p99_ms < 500,
            profile="freshness (worker)"),
        Row("4", f"freshness p50 {at}", f.latency.p50_ms, "ms"),
    ]  # fmt: skip


def memory_rows(m: Memory) -> list[Row]:
    per_student = m.bytes_per_student
    return [
        Row("6", f"worker resident memory per student (at {m.students:,})", per_student, "bytes",
            goal="≤ 1 KiB at 100,000 students", met=per_student <= 1024),
    ]  # fmt: skip


def query_rows(q: Queries) -> list[Row]:
    return [
        Row("5", f"query p99: {kind.name}", kind.latency.p99_ms, "ms", goal="< 10 ms", met=kind.latency.p99_ms < 10,
            profile="figure queries (assessment API)")
        for kind in q.kinds
    ]  # fmt: skip


def scaling_rows(s: Scaling) -> list[Row]:
    return [Row("7", "two workers ÷ one (steady events/s)", s.speedup, "×", goal="≥ 1.6×", met=s.speedup >= 1.6)]


def rows(r: Results) -> list[Row]:
    a = AnchorRates.of(r.anchors)
    found: list[Row] = []
    found += ingest_rows(r.ingest, a) if r.ingest else []
    found += scenario_rows(r.scenario, a) if r.scenario else []
    found += rebuild_rows(r.rebuild, a) if r.rebuild else []
    found += learner_rows(r.learners, a) if r.learners else []
    found += freshness_rows(r.freshness) if r.freshness else []
    found += freshness_rows(r.freshness_light, goal=False) if r.freshness_light else []
    found += query_rows(r.queries) if r.queries else []
    found += memory_rows(r.memory) if r.memory else []
    found += scaling_rows(r.scaling) if r.scaling else []
    return found


def missed(r: Results) -> list[Row]:
    return [row for row in rows(r) if row.met is False]
