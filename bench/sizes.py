"""How much each benchmark does: defaults that keep a full `make bench` near 15 minutes on 2 cores, each size
overridable by an environment variable (BENCH_*), and `tiny()` for the smoke test."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace
from typing import Any


@dataclass(frozen=True)
class Sizes:
    kafka_tool_records: int = 200_000  # BENCH_KAFKA_TOOL_RECORDS: ProducerPerformance and ConsumerPerformance
    http_requests: int = 5_000  # BENCH_HTTP_REQUESTS: the bare FastAPI endpoint
    http_concurrency: int = 16  # BENCH_HTTP_CONCURRENCY: requests in flight, bare endpoint and HTTP ingest
    insert_rows: int = 100_000  # BENCH_INSERT_ROWS: the bare asyncpg multi-row insert
    ingest_single: int = 2_000  # BENCH_INGEST_SINGLE: facts posted one per request
    ingest_bulk: int = 10_000  # BENCH_INGEST_BULK: facts sent through POST /admin/import
    ingest_batch: int = 2_000  # BENCH_INGEST_BATCH: facts per import request (about 1.1 MB at 2,000)
    students: int = 5_000  # BENCH_STUDENTS: the scaled programme driven end to end (100,000 in the issue)
    assess_students: int = 5_000  # BENCH_ASSESS_STUDENTS: the stream assessment rebuilds and scales out on
    freshness_rate: int = 1_000  # BENCH_FRESHNESS_RATE: events/s sent while freshness is measured
    freshness_seconds: float = 30.0  # BENCH_FRESHNESS_SECONDS
    freshness_light_rate: int = 300  # BENCH_FRESHNESS_LIGHT_RATE: the same at a rate a worker has room for
    partnerships: int = 10_000  # BENCH_PARTNERSHIPS: partnerships in the figure store the queries read
    students_per_partnership: int = 10  # BENCH_STUDENTS_PER_PARTNERSHIP: in that store
    large_partnership: int = 2_000  # BENCH_LARGE_PARTNERSHIP: students of the one big partnership queried as of D
    query_samples: int = 200  # BENCH_QUERY_SAMPLES: requests per kind of figure query
    memory_students: int = 300  # BENCH_MEMORY_STUDENTS: folded under tracemalloc (ten times slower) in-process
    profile_seconds: float = 15.0  # BENCH_PROFILE_SECONDS: py-spy sampling of a measurement that missed its goal

    @classmethod
    def from_env(cls) -> Sizes:
        """The defaults (or `tiny()` with BENCH_TINY=1), each overridden by its BENCH_<NAME> variable."""
        base = cls().tiny() if os.environ.get("BENCH_TINY") == "1" else cls()
        found: dict[str, Any] = {}
        for spec in fields(cls):
            raw = os.environ.get(f"BENCH_{spec.name.upper()}")
            if raw is not None:
                found[spec.name] = float(raw) if spec.type == "float" else int(raw.replace("_", ""))
        return replace(base, **found)

    def tiny(self) -> Sizes:
        """Every measurement at a size that only proves it runs (the smoke test)."""
        return replace(
            self,
            kafka_tool_records=2_000,
            http_requests=100,
            http_concurrency=4,
            insert_rows=1_000,
            ingest_single=20,
            ingest_bulk=100,
            ingest_batch=50,
            students=20,
            assess_students=40,
            freshness_rate=100,
            freshness_light_rate=50,
            freshness_seconds=2.0,
            partnerships=20,
            students_per_partnership=3,
            large_partnership=20,
            query_samples=3,
            memory_students=20,
            profile_seconds=1.0,
        )
