"""One run's results, and each figure beside its anchor and its goal from issue 12."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bench.anchors import Anchors
from bench.environment import Machine
from bench.freshness import Freshness
from bench.ingest import Ingest
from bench.memory import MemoryBreakdown
from bench.profiling import Profile
from bench.queries import Queries
from bench.rebuild import Memory, Rebuild
from bench.scenario import TARGET_STUDENTS, Scenario
from bench.sizes import Sizes
from bench.workers import Scaling

MILLION = 1_000_000


@dataclass
class Results:
    machine: Machine
    sizes: Sizes
    started: str
    anchors: Anchors
    ingest: Ingest
    rebuild: Rebuild
    memory: Memory
    memory_parts: MemoryBreakdown
    freshness: Freshness
    queries: Queries
    scaling: Scaling
    scenario: Scenario | None
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
    anchor_value: float = math.nan
    goal: str = ""
    met: bool | None = None
    profile: str = ""  # the label of the profile that says where its time goes

    @property
    def ratio(self) -> float:
        return self.value / self.anchor_value if self.anchor_value else math.nan


def ingest_rows(r: Results) -> list[Row]:
    a, i = r.anchors, r.ingest
    loop, bare = a.produce_loop.per_second, a.bare_fastapi.per_second
    bulk_goal = i.bulk.per_second >= 5000
    return [
        Row("1", "HTTP single: facts/s into the outbox", i.single.per_second, "facts/s", "bare FastAPI", bare),
        Row("1", "HTTP single: request p99", i.single.latency.p99_ms, "ms", "bare FastAPI p99",
            a.bare_fastapi.latency.p99_ms),
        Row("1", "HTTP single: request → topic, facts/s", i.single.to_topic_per_second, "facts/s",
            "raw aiokafka produce", loop),
        Row("1", f"bulk import ({i.batch:,}/request): facts/s into the outbox", i.bulk.per_second, "facts/s",
            "asyncpg multi-row insert", a.asyncpg_insert.per_second, "≥ 5,000 facts/s per stage service",
            bulk_goal, "ingest: bulk import"),
        Row("1", "bulk import: request → topic, facts/s", i.bulk.to_topic_per_second, "facts/s",
            "raw aiokafka produce", loop, "≥ 25% of the raw produce rate", i.bulk.to_topic_per_second >= 0.25 * loop,
            "ingest: bulk import"),
        Row("1", "bulk import: fact request → topic p99", i.bulk.to_topic.p99_ms, "ms"),
    ]  # fmt: skip


def assessment_rows(r: Results) -> list[Row]:
    a, rb, m, s = r.anchors, r.rebuild, r.memory, r.scaling
    decode = a.consume_and_decode.per_second
    million = MILLION / rb.steady_per_second if rb.steady_per_second else math.nan
    per_student_at_target = m.bytes_per_student
    return [
        Row("3", "rebuild from the start of the topics: events/s (steady)", rb.steady_per_second, "events/s",
            "consume-and-decode loop", decode, "≥ 50% of consume-and-decode", rb.steady_per_second >= 0.5 * decode,
            "assessment rebuild (worker)"),
        Row("3", "rebuild, command start to activated: events/s", rb.per_second, "events/s",
            "consume-and-decode loop", decode),
        Row("3", "1,000,000 events rebuilt (projected at the steady rate)", million, "s", goal="< 120 s",
            met=million < 120, profile="assessment rebuild (worker)"),
        Row("4", f"freshness p99 at {r.freshness.target_per_second:,} events/s", r.freshness.latency.p99_ms, "ms",
            goal="< 500 ms", met=r.freshness.latency.p99_ms < 500, profile="freshness (worker)"),
        Row("4", f"freshness p50 at {r.freshness.target_per_second:,} events/s", r.freshness.latency.p50_ms, "ms"),
        Row("6", f"worker memory per student (at {m.students:,}; marginal)", per_student_at_target, "bytes",
            goal="≤ 1 KiB at 100,000 students", met=per_student_at_target <= 1024,
            profile="assessment rebuild (worker)"),
        Row("7", "two workers ÷ one (steady events/s)", s.speedup, "×", goal="≥ 1.6×", met=s.speedup >= 1.6),
    ]  # fmt: skip


def query_rows(r: Results) -> list[Row]:
    return [
        Row("5", f"query p99: {kind.name}", kind.latency.p99_ms, "ms", goal="< 10 ms", met=kind.latency.p99_ms < 10,
            profile="figure queries (assessment API)")
        for kind in r.queries.kinds
    ]  # fmt: skip


def scenario_rows(r: Results) -> list[Row]:
    if r.scenario is None:
        return []
    s = r.scenario
    minutes = s.projected_seconds / 60
    return [
        Row("2", f"{s.students:,} students end to end", s.end_to_end_seconds, "s"),
        Row("2", f"{TARGET_STUDENTS:,} students end to end (projected)", minutes, "min", goal="< 10 min",
            met=minutes < 10 and s.mismatches == 0, profile="ingest: HTTP single"),
        Row("2", "commands/s over HTTP while driving", s.commands_per_second, "commands/s", "bare FastAPI",
            r.anchors.bare_fastapi.per_second),
    ]  # fmt: skip


def rows(r: Results) -> list[Row]:
    return [*ingest_rows(r), *scenario_rows(r), *assessment_rows(r), *query_rows(r)]


def missed(r: Results) -> list[Row]:
    return [row for row in rows(r) if row.met is False]
