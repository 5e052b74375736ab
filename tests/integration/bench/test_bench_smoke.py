"""`make bench` at a tiny size on the tests' broker and database: every measurement runs start to finish, stops
every process it started, and the report says every figure beside its anchor and its goal."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from bench.__main__ import measure
from bench.environment import BenchEnv
from bench.fleet import rss_bytes
from bench.report import write
from bench.results import rows
from bench.sizes import Sizes
from shared.infra.kafka_local import ensure_kafka_jars

pytestmark = pytest.mark.timeout(600)


async def test_every_figure_is_measured_beside_its_anchor_at_a_tiny_size(
    kafka_bootstrap: str, database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("BENCH_PROFILE", "0")
    env = BenchEnv(kafka_bootstrap, database_url, ensure_kafka_jars(), tmp_path, partitions=3)
    results = await measure(env, Sizes().tiny(), together=True)

    assert results.failures == {}  # each measurement that failed, with its error
    figures = rows(results)
    assert {row.section for row in figures} == {"1", "2", "3", "4", "5", "6", "7"}
    assert [row.figure for row in figures if not math.isfinite(row.value)] == []
    assert results.ingest.single.refused == results.ingest.bulk.refused == 0
    assert results.ingest.bulk.facts == Sizes().tiny().ingest_bulk
    assert results.ingest.parallel is not None
    assert (results.ingest.parallel.facts, results.ingest.parallel.refused) == (Sizes().tiny().ingest_bulk, 0)
    assert results.rebuild.events == results.scaling.one.events == results.learners.events > 0
    assert results.freshness.sent == round(Sizes().tiny().freshness_rate * Sizes().tiny().freshness_seconds)
    assert results.freshness_light.sent == round(Sizes().tiny().freshness_light_rate * Sizes().tiny().freshness_seconds)
    assert results.scenario is not None
    assert results.scenario.failures == 0
    assert all(kind.latency.count > 0 for kind in results.queries.kinds)
    assert results.queries.closed is not None
    assert results.queries.closed.kept == results.queries.closed.partnerships + results.queries.closed.rollups > 0
    assert not [pid for pid in _processes_of(env.run_id) if rss_bytes(pid)], "a benchmark process outlived its run"

    write(results, tmp_path / "BENCHMARKS.md", tmp_path / "results.json")
    report = (tmp_path / "BENCHMARKS.md").read_text()
    assert "Kafka ProducerPerformance" in report
    assert "| 7 | two workers ÷ one" in report
    assert len(json.loads((tmp_path / "results.json").read_text())["figures"]) == len(figures)


def _processes_of(run_id: str) -> list[int]:
    """Processes still running with this run's topic namespace in their environment (services and workers)."""
    marker = f"CYCLE_TOPIC_NAMESPACE=b{run_id}.".encode()
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                environ = (proc / "environ").read_bytes()
            except OSError:
                continue
            if marker in environ:
                found.append(int(proc.name))
    return found
