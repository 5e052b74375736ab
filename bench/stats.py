"""Latency summaries and rates, as every measurement reports them."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass


def percentile(values: Sequence[float], fraction: float) -> float:
    """Nearest-rank percentile (the smallest value with at least `fraction` of the values at or below it)."""
    if not values:
        return math.nan
    ordered = sorted(values)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


@dataclass(frozen=True)
class Latency:
    count: int
    p50_ms: float
    p99_ms: float
    max_ms: float

    @classmethod
    def of(cls, seconds: Sequence[float]) -> Latency:
        return cls(
            len(seconds),
            percentile(seconds, 0.5) * 1000,
            percentile(seconds, 0.99) * 1000,
            (max(seconds) if seconds else math.nan) * 1000,
        )


def rate(count: float, seconds: float) -> float:
    return count / seconds if seconds > 0 else math.nan


@dataclass(frozen=True)
class Throughput:
    count: int
    seconds: float

    @property
    def per_second(self) -> float:
        return rate(self.count, self.seconds)


@dataclass(frozen=True)
class HttpThroughput(Throughput):
    latency: Latency
