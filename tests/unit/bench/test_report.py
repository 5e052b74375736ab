"""BENCHMARKS.md says what it could measure and what failed, with each figure beside its anchor and goal."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

from bench.environment import Machine
from bench.freshness import Freshness, Hold
from bench.report import markdown, write
from bench.results import Results, missed
from bench.sizes import Sizes
from bench.stats import Latency

MACHINE = Machine(2, 24.0, "a test CPU", "3.11.7", "4.1.1", "18.6")


def results(**parts: object) -> Results:
    return Results(MACHINE, Sizes(), "2026-11-29 20:00", **parts)  # type: ignore[arg-type]


def test_a_failed_measurement_is_reported_with_its_error_and_the_others_still_are():
    found = results(
        freshness=Freshness(1000, 30_000, 30.2, 1.0, Latency(30_000, 640.0, 1180.0, 1400.0)),
        failures={"(7) one and two workers": "TimeoutError: generation two stalled"},
    )
    text = markdown(found)
    assert "**(7) one and two workers failed**: `TimeoutError: generation two stalled`" in text
    assert "| 4 | freshness p99 at 1,000 events/s | 1,180 ms |" in text
    assert "Kafka 4.1.1" in text
    assert [row.figure for row in missed(found)] == ["freshness p99 at 1,000 events/s"]
    assert "ASSESSMENT_LIVE_SECONDS" in text


def test_the_json_beside_it_holds_every_figure_and_no_bare_nan(tmp_path: Path):
    found = results(freshness=Freshness(1000, 0, 0.0, 1.0, Latency.of([])))
    write(found, tmp_path / "BENCHMARKS.md", tmp_path / "results.json")
    document = json.loads((tmp_path / "results.json").read_text())
    assert document["freshness"]["latency"]["p99_ms"] is None
    assert [figure["section"] for figure in document["figures"]] == ["4", "4"]
    assert document["machine"]["kafka"] == "4.1.1"


def test_freshness_says_whether_the_worker_fell_behind_or_the_tail_is_the_stream_s_first_seconds():
    keeps_up = Freshness(
        1000, 30_000, 30.1, 1.0, Latency(30_000, 325.0, 1070.0, 1460.0), 0.2,
        Latency(10_000, 400.0, 1200.0, 1460.0), Latency(20_000, 250.0, 420.0, 600.0),
    )  # fmt: skip
    text = markdown(results(freshness=keeps_up))
    assert "The events sent in the stream's first 10 s: p50 400 ms, p99 1,200 ms; those sent after: p50 250 ms" in text
    assert "the worker keeps up (p50 325 ms), and the tail is the stream's first 10 s (p99 1,200 ms; 420 ms" in text
    assert "where the stream's first figures flush runs" in text

    held = dataclasses.replace(keeps_up, held=Hold(1_236.0, 1.55))
    text = markdown(results(freshness=held))
    assert "The sender's longest wait for room in its producer (the broker answering late): 1,236 ms, 1.6 s" in text
    assert "where the broker answered the sender late: a send waited 1,236 ms for room in its producer" in text
    assert "where the broker" not in markdown(results(freshness=dataclasses.replace(keeps_up, held=Hold(40.0, 1.2))))

    behind = Freshness(1000, 30_000, 30.1, 1.0, Latency(30_000, 2_600.0, 4_100.0, 4_300.0), 0.2)
    assert "the worker is at its capacity" in markdown(results(freshness=behind))
