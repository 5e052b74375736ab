"""The arithmetic every benchmark figure goes through: percentiles, steady rates, memory slopes, freshness."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pytest

from bench.freshness import Sent, freshness_of
from bench.progress import STALL_SECONDS, Sample, Watch, steady_rate
from bench.sizes import Sizes
from bench.stats import Latency, percentile


def test_a_percentile_is_the_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.5) == 50
    assert percentile(values, 0.99) == 99
    assert percentile([3.0], 0.99) == 3


def test_latency_is_reported_in_milliseconds_and_empty_samples_give_no_number():
    latency = Latency.of([0.001, 0.002, 0.100])
    assert (latency.count, latency.p50_ms, latency.max_ms) == (3, 2, 100)
    assert math.isnan(Latency.of([]).p99_ms)


def test_the_steady_rate_leaves_out_start_up_and_the_last_flush():
    samples = [Sample(0, 0), Sample(10, 0), Sample(11, 100), Sample(12, 500), Sample(13, 900)]
    assert steady_rate(samples, 1000, overall=75) == pytest.approx(400)


def test_a_run_flushed_at_once_has_only_its_overall_rate():
    assert steady_rate([Sample(0, 0), Sample(3, 100)], 100, overall=25) == 25


def test_an_event_is_fresh_at_the_first_poll_after_its_send_that_passed_its_offset():
    sent = [Sent(1.0, "t", 0, 5), Sent(1.5, "t", 1, 0)]
    polls = [(0.9, {("t", 0): 6}), (1.2, {("t", 0): 5}), (1.4, {("t", 0): 6}), (1.7, {("t", 0): 6})]
    assert freshness_of(sent, polls) == [pytest.approx(0.4), math.inf]


def test_sizes_come_from_bench_variables_on_top_of_the_defaults_or_the_tiny_ones(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("BENCH_STUDENTS", "2_500")
    monkeypatch.setenv("BENCH_FRESHNESS_SECONDS", "12.5")
    sizes = Sizes.from_env()
    assert (sizes.students, sizes.freshness_seconds, sizes.partnerships) == (2500, 12.5, Sizes().partnerships)
    monkeypatch.setenv("BENCH_TINY", "1")
    assert Sizes.from_env().partnerships == Sizes().tiny().partnerships


def test_a_stall_names_the_partitions_left_behind_and_only_once_the_progress_stood_still_long_enough():
    watch = Watch(store=None, settings=SimpleNamespace(generation="g"))  # type: ignore[arg-type]
    watch.samples.append(Sample(5.0, 352))
    watch.behind = {("ns.assessment.rollup.g-2", 2): (0, 2)}
    assert watch.stalled(352) is None
    watch.moved -= STALL_SECONDS
    stall = watch.stalled(352)
    assert stall is not None
    assert stall.startswith("generation g stalled: 352 of 352 stage events flushed")
    assert stall.endswith("flushed/end behind: ns.assessment.rollup.g-2-2 0/2")
